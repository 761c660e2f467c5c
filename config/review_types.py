"""Labels of review types that change on a date (a statute renaming a review), as configuration.

The Victims and Prisoners Act 2024 (amending the Domestic Violence, Crime and Victims Act 2004 s.9) renames
Domestic Homicide Reviews "Domestic Abuse Related Death Reviews". The provision comes into force on a day
appointed by regulations: set `takes_effect` to the commencement date. The default is the date of Royal Assent
(24 May 2024), so the new name shows for reviews added from then on and for report periods ending
after it; a review added earlier keeps the name it was commissioned under.
"""

from datetime import date

TYPE_RENAMES: list[dict] = [
    {
        "takes_effect": date(2024, 5, 24),
        "labels": {
            "DHR": "Domestic Abuse Related Death Review",
            "DHR_CHILD": "Domestic Abuse Related Death Review (child, victim aged 16-17)",
        },
        "short": {"DHR": "DARDR", "DHR_CHILD": "DARDR (child)"},
    },
]

# The safeguarding partnership / board / CSP is required for reviews added on or after this date (the release that
# made it mandatory). Reviews added earlier (existing rows, historic imports) may lack it: they load, show "Not
# recorded", and can be edited without inventing one; choosing one is always possible and then cannot be blanked.
PARTNERSHIP_REQUIRED_FROM = date(2026, 12, 3)
