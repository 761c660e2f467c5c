"""The national S-CRT extract: column labels, their order and the value codes. Configuration, not code.

The collection's own template and drop-down lists are not public (docs/REPORTS.md); change the labels and
codes here to match the template in use. Column keys are fixed (the extract knows how to fill each one);
their order and headers are this list's. A key may be dropped, never invented. The order follows the
collection's field list (docs/PRODUCT.md "The record"), with the tracker's record id first and the comments
last; tests/reports/test_extract.py checks that the collection's fields keep their relative order.
"""

SCRT_EXTRACT: dict = {
    "columns": [
        ("record_id", "Record ID"),
        ("status", "Status"),
        ("date_added", "Date added"),
        ("ccg_area", "CCG area"),
        ("ccg_code", "CCG code"),
        ("stp_area", "STP/ICS area"),
        ("stp_code", "STP/ICS code"),
        ("region_name", "Region name"),
        ("region_code", "Region code"),
        ("dp_initials", "Designated professional's initials"),
        ("partnership", "Safeguarding partnership / board / CSP"),
        ("identifier", "StEIS number / local identifier"),
        ("review_type", "Type of review"),
        ("incident_date", "Incident date"),
        ("notification_date", "Notification date"),
        ("decision_date", "Decision date"),
        ("rapid_outcome", "Rapid review outcome"),
        ("became_record_id", "Became record ID"),
        ("overview", "Brief overview"),
        ("theme_1", "Abuse / vulnerability theme 1"),
        ("theme_2", "Abuse / vulnerability theme 2"),
        ("theme_3", "Abuse / vulnerability theme 3"),
        ("media_interest", "Media interest"),
        ("latest_update", "Latest update"),
        ("latest_update_date", "Latest update date"),
        ("signed_off_date", "Date report signed off"),
        ("publication_date", "Publication date"),
        ("publication_status", "Public / embargoed"),
        ("report_url", "Web link to report"),
        ("learning_1", "Organisational learning 1"),
        ("learning_2", "Organisational learning 2"),
        ("learning_3", "Organisational learning 3"),
        ("recommendations", "Lessons learned / recommendations"),
        ("overdue_clocks", "Overdue clocks"),
        ("comments", "Comments"),
    ],
    # Status: the collection has open and closed; a rapid review that converted has ended, so it is closed
    # (its conversion is written in the type of review, below).
    "status": {"open": "Open", "closed": "Closed", "converted": "Closed"},
    # Type of review, by the tracker's type code: only the collection's own values. Both kinds of SAR are "SAR"
    # (the sub-type goes in the comments); an Other review's description goes in the comments.
    "review_type": {
        "SAR_MANDATORY": "SAR",
        "SAR_DISCRETIONARY": "SAR",
        "DHR": "DHR",
        "DHR_CHILD": "DHR child",
        "CSPR": "CSPR",
        "RAPID": "Rapid Review",
        "OTHER": "Other",
    },
    # "Use converted when a Rapid Review becomes a Safeguarding Case Review": the type written for a rapid review
    # that had converted by the extract's day (its outcome, decision date and the record it became have columns).
    "converted_type": "Converted",
    # What the comments column says about a type (an Other review's description follows "other_comment").
    "type_comments": {
        "SAR_MANDATORY": "SAR (mandatory, Care Act s44(1)-(3))",
        "SAR_DISCRETIONARY": "SAR (discretionary, Care Act s44(4))",
    },
    "other_comment": "Other review type: {description}",
    "comment_separator": "; ",
    # The tracker's clocks overdue at the end of the extract's day (as app/reports/overdue.py counts them), by label.
    "clock_separator": "; ",
    # A rapid review's decision, by the tracker's outcome code.
    "rapid_outcome": {"CSPR": "CSPR", "SAR": "SAR", "DHR": "DHR", "NFR": "No further review"},
    "yes_no": {True: "Yes", False: "No"},
    "publication_status": {"public": "Public", "embargoed": "Embargoed"},
    # Themes as the theme list's "label" or its "code". Labels are made unique: a label two themes share gets
    # the theme's group in brackets ("Physical abuse (adult)", "Physical abuse (child)").
    "theme_value": "label",
    "theme_groups": {"adult": "adult", "child": "child", "all": "all ages", "domestic": "domestic abuse"},
    # StEIS number, LFPSE reference and local identifier, those present, joined with this.
    "identifier_separator": " / ",
    # Dates: text in CSV files; real dates shown in this format in XLSX files.
    "csv_date_format": "%d/%m/%Y",
    "xlsx_date_format": "dd/mm/yyyy",
}
