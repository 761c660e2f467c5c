"""The statutory and local clocks, per review type. Configuration, not code: change a number here.

Each default says where it comes from. Review type codes are defined in app/reviews/types.py; a type missing
from a mapping has no such clock.
"""

DHR_TYPES = ["DHR", "DHR_CHILD"]

CLOCKS: dict = {
    # Working Together to Safeguard Children 2023, ch. 5 (and the Child Safeguarding Practice Review Panel's
    # guidance): the rapid review is completed within 15 working days of the serious incident notification.
    "rapid_review_due": {
        "working_days": 15,
        "amber_within_days": 5,
        "applies_to": ["RAPID"],
    },
    # Working Together 2023, ch. 5 para. 15 (Children Act 2004 s16C): the local authority notifies the Child
    # Safeguarding Practice Review Panel within 5 working days of becoming aware of the serious incident.
    # Counted from the date the partnership learned of the incident (the incident date when that is blank);
    # a notification later than this is flagged red on the review and warned about on save.
    "panel_notification": {
        "working_days": 5,
        "amber_within_days": 0,
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
    # Home Office Multi-agency Statutory Guidance for the Conduct of Domestic Homicide Reviews (2016), s.9: the
    # CSP sends the signed-off report to the Home Office Quality Assurance Panel before it is published. The
    # guidance sets no day count: 30 days from sign-off to submission is local practice, configurable.
    "qa_submission": {
        "days_after_sign_off": 30,
        "amber_within_days": 7,
        "applies_to": DHR_TYPES,
    },
    # Home Office DHR guidance (2016), s.9: the QA Panel reviews the report and writes to the CSP with its
    # feedback or approval. It meets monthly; 90 days from submission (or from the latest feedback, when the
    # CSP resubmits) before the CSP is prompted to follow up is local practice, configurable.
    "qa_decision": {
        "days_after_submission": 90,
        "amber_within_days": 14,
        "applies_to": DHR_TYPES,
    },
    # Local practice: chase publication this many days after sign-off when neither published nor embargoed.
    # For a DHR the clock starts when the Home Office QA Panel approves the report (it may not be published
    # before), so a DHR awaiting the panel is chased on the QA stage, not here.
    "publication_chase": {
        "days_after_sign_off": 30,
        "amber_within_days": 7,
        "applies_to": ["SAR_MANDATORY", "SAR_DISCRETIONARY", "DHR", "DHR_CHILD", "CSPR", "OTHER"],
        "after_qa_approval": DHR_TYPES,
    },
    # An embargoed report is looked at again on its embargo review date.
    "embargo_review": {
        "amber_within_days": 14,
        "applies_to": ["SAR_MANDATORY", "SAR_DISCRETIONARY", "DHR", "DHR_CHILD", "CSPR", "OTHER"],
    },
}
