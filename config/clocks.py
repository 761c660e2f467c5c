"""The statutory and local clocks, per review type. Configuration, not code: change a number here."""

# Review type codes are defined in app/reviews/types.py; a type missing from a mapping has no such clock.
CLOCKS: dict = {
    # Working Together / CSPR Panel: a rapid review is due 15 working days after the serious incident
    # notification.
    "rapid_review_due": {
        "working_days": 15,
        "amber_within_days": 5,
        "applies_to": ["RAPID"],
    },
    # Local practice: an open review with no timeline entry for this many days is stale.
    "stale": {
        "days": 28,
        "amber_within_days": 7,
        "applies_to": ["SAR_MANDATORY", "SAR_DISCRETIONARY", "DHR", "DHR_CHILD", "CSPR", "RAPID", "OTHER"],
    },
    # Statutory guidance (DHR, CSPR) and local practice (SAR): the report is expected to be signed off
    # this many months after the review was added.
    "sign_off_expected": {
        "months_by_type": {
            "DHR": 6,
            "DHR_CHILD": 6,
            "CSPR": 6,
            "SAR_MANDATORY": 6,
            "SAR_DISCRETIONARY": 6,
        },
        "amber_within_days": 30,
    },
    # Local practice: chase publication this many days after sign-off when neither published nor embargoed.
    "publication_chase": {
        "days_after_sign_off": 30,
        "amber_within_days": 7,
        "applies_to": ["SAR_MANDATORY", "SAR_DISCRETIONARY", "DHR", "DHR_CHILD", "CSPR", "OTHER"],
    },
    # An embargoed report is looked at again on its embargo review date.
    "embargo_review": {
        "amber_within_days": 14,
        "applies_to": ["SAR_MANDATORY", "SAR_DISCRETIONARY", "DHR", "DHR_CHILD", "CSPR", "OTHER"],
    },
}
