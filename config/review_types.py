"""Labels of review types that change on a date (a statute renaming a review), as configuration.

The Victims and Prisoners Act 2024, s.19 (inserting s.8A and amending s.9 of the Domestic Violence, Crime and
Victims Act 2004) renames Domestic Homicide Reviews "Domestic Abuse Related Death Reviews". The section is
prospective: it comes into force on a day appointed by regulations, and legislation.gov.uk listed it as not yet in
force when this was written. So `takes_effect` is None (not in force: the old names show everywhere). When the
commencement regulations are made, set `takes_effect` to the commencement date, e.g. `date(2027, 4, 1)`: from then
on the new names show for reviews added on or after that date and for report periods ending on or after it; a
review added earlier keeps the name it was commissioned under. The import reads every name, old and new.
"""

from datetime import date

TYPE_RENAMES: list[dict] = [
    {
        "takes_effect": None,  # the commencement date of VPA 2024 s.19, once appointed
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
