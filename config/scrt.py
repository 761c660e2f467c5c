"""The national S-CRT extract: column labels, their order and the value codes. Configuration, not code.

The collection's own template and drop-down lists are not public (docs/REPORTS.md); change the labels and
codes here to match the template in use. Column keys are fixed (the extract knows how to fill each one);
their order and headers are this list's. A key may be dropped, never invented.
"""

SCRT_EXTRACT: dict = {
    "columns": [
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
        ("overview", "Brief overview"),
        ("theme_1", "Abuse / vulnerability theme 1"),
        ("theme_2", "Abuse / vulnerability theme 2"),
        ("theme_3", "Abuse / vulnerability theme 3"),
        ("media_interest", "Media interest"),
        ("latest_update", "Latest update"),
        ("signed_off_date", "Date report signed off"),
        ("publication_date", "Publication date"),
        ("publication_status", "Public / embargoed"),
        ("report_url", "Web link to report"),
        ("learning_1", "Organisational learning 1"),
        ("learning_2", "Organisational learning 2"),
        ("learning_3", "Organisational learning 3"),
        ("recommendations", "Lessons learned / recommendations"),
    ],
    # Status: the collection has open and closed; a rapid review that converted has ended, so it is closed
    # (its conversion is written in the type of review, below).
    "status": {"open": "Open", "closed": "Closed", "converted": "Closed"},
    # Type of review, by the tracker's type code.
    "review_type": {
        "SAR_MANDATORY": "SAR",
        "SAR_DISCRETIONARY": "SAR (discretionary)",
        "DHR": "DHR",
        "DHR_CHILD": "DHR child",
        "CSPR": "CSPR",
        "RAPID": "Rapid Review",
        "OTHER": "Other",
    },
    # "Use converted when a Rapid Review becomes a Safeguarding Case Review": the type written for a converted
    # rapid review.
    "converted_type": "Converted",
    # Whether an Other review's description follows its type ("Other: learning review").
    "other_type_with_description": True,
    "yes_no": {True: "Yes", False: "No"},
    "publication_status": {"public": "Public", "embargoed": "Embargoed"},
    # Themes as the theme list's "label" or its "code".
    "theme_value": "label",
    # StEIS number, LFPSE reference and local identifier, those present, joined with this.
    "identifier_separator": " / ",
    # Dates: text in CSV files; real dates shown in this format in XLSX files.
    "csv_date_format": "%d/%m/%Y",
    "xlsx_date_format": "dd/mm/yyyy",
    # CSV files start with lines saying the period, scope and geography mode (then a blank line, then the
    # header row). False gives a bare table; the XLSX file always has them on its "About" sheet.
    "csv_preamble": True,
}
