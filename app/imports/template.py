"""The downloadable import template: the expected columns (the export's own headers) with one example row, and a
real-looking legacy tracker to show that a file can be imported as people keep it.

Every example review is fictional and its identifier starts with "EXAMPLE-" (any case), so a row copied from the
template and left in is refused ("This is the template's example row").
"""

from __future__ import annotations

import csv
import io
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.imports.headers import TARGETS
from app.imports.rows import TEMPLATE_EXAMPLE_PREFIX
from app.orgs.models import Theme
from app.reviews.types import TYPE_SHORT, RapidOutcome
from config.clocks import CLOCKS

# The columns of the template, in order (every one is also a column of the tracker's export).
TEMPLATE_TARGETS = (
    "review_type", "type_other_description", "organisation_code", "date_added", "incident_date",
    "notification_date", "dp_initials", "partnership", "steis_number", "lfpse_reference", "local_identifier",
    "overview", "theme_1", "theme_2", "theme_3", "media_interest", "latest_update", "latest_update_on",
    "decision_date", "rapid_outcome", "signed_off_date", "publication_date", "publication_status",
    "embargo_review_date", "report_url", "learning_1", "learning_2", "learning_3", "recommendations",
)
TEMPLATE_HEADERS = [TARGETS[t][0] for t in TEMPLATE_TARGETS]

EXAMPLE = {
    "review_type": "SAR", "organisation_code": "52R", "date_added": date(2021, 6, 3),
    "incident_date": date(2021, 5, 10), "dp_initials": "CD", "partnership": "Nottinghamshire Safeguarding Adults Board",
    "local_identifier": f"{TEMPLATE_EXAMPLE_PREFIX}NSAB-SAR-21-03",
    "overview": "An adult with care and support needs died at home; agencies held information that was not shared.",
    "theme_1": "Self-neglect", "theme_2": "CA_NEGLECT", "media_interest": "No",
    "latest_update": "Panel meeting held; practitioner event being arranged.", "latest_update_on": date(2021, 9, 9),
}

# A legacy tracker as ICBs keep them (fictional reviews): a title row, S-CRT-like headers, CCG names next to codes
# (one a pre-2021 code), one combined StEIS / local identifier column, partnerships as people write them, Y/N,
# every date style, no notification date column. The import reads such a sheet as it is.
LEGACY_TITLE = ("Example legacy tracker (fictional reviews): the import reads a sheet like this as it is. Each "
                "identifier starts with EXAMPLE-, so these rows are refused if imported.")
LEGACY_HEADERS = ["Tracker No", "Status", "Date Added", "CCG", "CCG Code", "DP Initials",
                  "Safeguarding Partnership/Board/CSP", "STEIS No / Local ID", "Type of Review", "Date of Incident",
                  "Brief Overview", "Theme 1", "Theme 2", "Media Interest (Y/N)", "Latest Update", "Date of Update",
                  "Date Report Signed Off", "Date Published", "Public/Embargoed"]
LEGACY_ROWS = [
    ["1", "Closed", "14/05/2021", "NHS Nottingham and Nottinghamshire CCG", "52R", "AB",
     "Nottingham City Safeguarding Children Partnership", f"2021/10234 / {TEMPLATE_EXAMPLE_PREFIX}NCSCP-CSPR-21-01",
     "CSPR", "02/04/2021", "A young person known to children\u2019s social care came to serious harm; missed "
     "appointments were not followed up.", "Neglect", "Emotional abuse", "N",
     "First draft circulated for factual accuracy.", "01/12/2022", "12/12/2022", "20/01/2023", "Public"],
    ["2", "Open", "3 June 2021", "NHS Nottingham and Nottinghamshire CCG", "52R", "C.D.", "Notts SAB",
     f"{TEMPLATE_EXAMPLE_PREFIX}NSAB-SAR-21-03", "SAR", "10/05/2021", "An adult with care and support needs died at "
     "home; agencies held information that was not shared.", "Self-neglect", "", "N",
     "Panel meeting held; practitioner event being arranged.", "09/09/2021", "", "", ""],
    ["3", "Open", "21-Jul-21", "NHS Nottingham City CCG", "04K", "EF", "Nottingham CDP",
     f"{TEMPLATE_EXAMPLE_PREFIX}DHR-NC-2021-02", "Domestic Homicide Review", "04/07/2021", "A death following "
     "domestic abuse; the victim had contact with the GP and the emergency department.", "Domestic abuse",
     "Controlling or coercive behaviour", "Y", "Chronologies requested from agencies.", "30/07/2021", "", "", ""],
    ["4", "Open", "02/02/2022", "NHS Bassetlaw CCG", "02Q", "GH", "Nottinghamshire Safeguarding Children Partnership",
     f"{TEMPLATE_EXAMPLE_PREFIX}RR-BAS-22-01", "Rapid Review", "28/01/2022", "An infant was seriously injured; "
     "health visiting and hospital communication are considered.", "Physical abuse", "", "N", "", "", "", "", ""],
]
LEGACY_GUIDANCE = [
    "Your own tracker can be imported as it is: see the Legacy example sheet.",
    "A title row above the headers is skipped; headers are matched loosely (\"CCG Code\", \"ccg_code\", \"Sub-ICB "
    "code\").",
    "A CCG column of names next to a CCG Code column of codes: the values tell them apart. Old CCG codes and names "
    "are mapped to today's sub-ICB location.",
    "One \"STEIS No / Local ID\" column is split by value: 2021/12345 is a StEIS number, \"LFPSE 123456\" an LFPSE "
    "reference, anything else the local identifier.",
    "Partnerships are matched loosely (\"Notts SAB\" is the Nottinghamshire Safeguarding Adults Board); a name not "
    "on the list is proposed for a national admin to add.",
    "A value old trackers never had (a rapid review's notification date, an embargo review date, the partnership, "
    "the initials, the themes) may be blank: the review is imported and listed under To complete.",
    "A Status column is compared with the status the dates give: the rules decide, and the report says so.",
    "The dry run lists every problem of the file, by row and column, before anything changes.",
]

GUIDANCE = {
    "review_type": "SAR, SAR (discretionary), DHR, DHR (child), CSPR, Rapid Review, Other, or Converted "
                   "(a rapid review that became a full review). Full names are read too.",
    "type_other_description": "Only when the type is Other.",
    "organisation_code": "The sub-ICB location (CCG) ODS code, e.g. 93C. Old CCG codes (e.g. 00C) and names are "
                         "mapped to today's sub-ICB location.",
    "date_added": "Day first: 03/11/2021, 3 Nov 2021, 03-Nov-21 or 2021-11-03; real date cells are read too.",
    "notification_date": f"Rapid reviews only (starts the {CLOCKS['rapid_review_due']['working_days']}-working-day "
                         "clock); blank: imported to complete.",
    "dp_initials": "2 to 4 letters: initials only, never a name; blank: imported to complete.",
    "partnership": "The partnership's name as you write it (\"Notts SAB\" is read as the Nottinghamshire Safeguarding "
                   "Adults Board). A name not on the managed list is proposed for a national admin to add; blank: "
                   "imported to complete.",
    "steis_number": "Year/five digits, e.g. 2021/12345. At least one identifier is required.",
    "local_identifier": "No patient identifiable data. The example row's identifier starts with EXAMPLE-: delete "
                        "that row before importing.",
    "theme_1": "A theme code (see the Themes sheet) or its label. \"Physical abuse\", \"Sexual abuse\" and similar "
               "follow the review type (adult: Care Act; child: Working Together). Blank: imported to complete.",
    "media_interest": "Yes or No (Y/N, True/False, 1/0).",
    "latest_update": "Added to the review's timeline when it differs from its latest entry.",
    "latest_update_on": "The date of the latest update (today when blank).",
    "decision_date": "Rapid reviews: the date of the decision.",
    "rapid_outcome": "CSPR, SAR, DHR or No further review. The review closes or converts by itself.",
    "publication_status": "Public or Embargoed.",
    "report_url": "A full https:// address.",
}


def _text(value) -> str:
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return "" if value is None else str(value)


def template_csv() -> bytes:
    """The template as CSV (UTF-8 with BOM, so Excel shows every character)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(TEMPLATE_HEADERS)
    writer.writerow([_text(EXAMPLE.get(t)) for t in TEMPLATE_TARGETS])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def template_xlsx(session: Session) -> bytes:
    """The template as XLSX: the Reviews sheet (first, the one imported), guidance, a legacy tracker example, and
    the theme list."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Reviews"
    sheet.append(TEMPLATE_HEADERS)
    sheet.append([EXAMPLE.get(t) for t in TEMPLATE_TARGETS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for cell in sheet[2]:
        if isinstance(cell.value, date):
            cell.number_format = "dd/mm/yyyy"
    sheet.freeze_panes = "A2"
    for index, _ in enumerate(TEMPLATE_HEADERS, start=1):
        sheet.column_dimensions[sheet.cell(1, index).column_letter].width = 22
    rows = 2000
    lists = {"review_type": [*TYPE_SHORT.values(), "Converted"], "media_interest": ["Yes", "No"],
             "publication_status": ["Public", "Embargoed"],
             "rapid_outcome": [o.value for o in RapidOutcome if o != RapidOutcome.NO_FURTHER_REVIEW]
             + ["No further review"]}
    for target, values in lists.items():
        letter = sheet.cell(1, TEMPLATE_TARGETS.index(target) + 1).column_letter
        check = DataValidation(type="list", formula1='"' + ",".join(values) + '"', allow_blank=True)
        check.add(f"{letter}2:{letter}{rows}")
        sheet.add_data_validation(check)
    guidance = workbook.create_sheet("Guidance")
    guidance.append(["Column", "What to write"])
    for target in TEMPLATE_TARGETS:
        guidance.append([TARGETS[target][0], GUIDANCE.get(target, "")])
    guidance.column_dimensions["A"].width = 40
    guidance.column_dimensions["B"].width = 110
    guidance.append([])
    for line in LEGACY_GUIDANCE:
        guidance.append(["Legacy trackers", line])
    legacy = workbook.create_sheet("Legacy example")
    legacy.append([LEGACY_TITLE])
    legacy.append(LEGACY_HEADERS)
    for values in LEGACY_ROWS:
        legacy.append(values)
    for cell in legacy[2]:
        cell.font = Font(bold=True)
    themes = workbook.create_sheet("Themes")
    themes.append(["Code", "Label", "Applies to"])
    for theme in session.scalars(select(Theme).where(Theme.active.is_(True)).order_by(Theme.code)):
        themes.append([theme.code, theme.label, theme.applies_to])
    for ws in (guidance, themes):
        for cell in ws[1]:
            cell.font = Font(bold=True)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
