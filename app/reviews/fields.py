"""The review fields in the words of the product brief: one table of labels used by forms, messages and files."""

FIELD_LABELS: dict[str, str] = {
    "id": "Tracker number",
    "status": "Status",
    "review_type": "Type of review",
    "type_other_description": "Other review type (description)",
    "date_added": "Date added",
    "incident_date": "Incident date",
    "incident_learned_date": "Date the partnership learned of the incident",
    "notification_date": "Notification date",
    "decision_date": "Decision date",
    "rapid_outcome": "Rapid review decision",
    "organisation_code": "Organisation (sub-ICB location)",
    "recorded_organisation_name": "Sub-ICB location (CCG) as recorded",
    "recorded_icb_code": "ICB / ICS code as recorded",
    "recorded_icb_name": "ICB / ICS as recorded",
    "recorded_region_code": "Region code as recorded",
    "recorded_region_name": "Region as recorded",
    "dp_initials": "Designated professional's initials",
    "partnership_id": "Safeguarding partnership / board / CSP",
    "partnership": "Safeguarding partnership / board / CSP",
    "steis_number": "StEIS number",
    "lfpse_reference": "LFPSE reference",
    "local_identifier": "Local identifier",
    "overview": "Brief overview",
    "themes": "Abuse / vulnerability themes",
    "theme_1": "Theme 1",
    "theme_2": "Theme 2",
    "theme_3": "Theme 3",
    "media_interest": "Media interest",
    "latest_update": "Latest update",
    "latest_update_on": "Latest update date",
    "signed_off_date": "Date report signed off",
    "qa_submitted_date": "Submitted to the Home Office Quality Assurance Panel",
    "qa_feedback_date": "Quality Assurance Panel feedback received",
    "qa_approved_date": "Approved by the Quality Assurance Panel",
    "publication_date": "Publication date",
    "publication_status": "Public / embargoed",
    "embargo_review_date": "Embargo review date",
    "report_url": "Web link to report",
    "learning_1": "Organisational learning 1",
    "learning_2": "Organisational learning 2",
    "learning_3": "Organisational learning 3",
    "recommendations": "Lessons learned / recommendations",
    "closed_on": "Closed on",
    "converted_to_id": "Converted to",
    "linked_reviews": "Linked reviews (same incident)",
    "snoozed_until": "Reminders snoozed until",
    "snooze_reason": "Snooze reason",
    "created_at": "Created",
    "updated_at": "Last edited",
}

# Free-text and identifier fields checked by the patient-identifiable-data guard on every save.
IDENTIFIER_FIELDS = ("steis_number", "lfpse_reference", "local_identifier")
FREE_TEXT_FIELDS = (
    "type_other_description",
    "overview",
    "learning_1",
    "learning_2",
    "learning_3",
    "recommendations",
)


def label(field: str) -> str:
    """The human label of a review field."""
    return FIELD_LABELS.get(field, field.replace("_", " ").capitalize())
