"""The downloadable import template: the expected columns (the export's own headers) and one fictional example row."""

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
from app.imports.rows import TEMPLATE_EXAMPLE_ID
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
    "review_type": "DHR", "organisation_code": "93C", "date_added": date(2021, 11, 3),
    "incident_date": date(2021, 10, 12), "dp_initials": "XY", "local_identifier": TEMPLATE_EXAMPLE_ID,
    "overview": "EXAMPLE ROW, fictional: delete this row before importing. A death following domestic abuse; "
                "agencies had contact in the year before.",
    "theme_1": "CA_DOMESTIC", "theme_2": "TH_MENTAL_HEALTH", "media_interest": "No",
    "latest_update": "Terms of reference agreed by the partnership.", "latest_update_on": date(2021, 11, 20),
}

GUIDANCE = {
    "review_type": "SAR, SAR (discretionary), DHR, DHR (child), CSPR, Rapid Review, Other, or Converted "
                   "(a rapid review that became a full review). Full names are read too.",
    "type_other_description": "Only when the type is Other.",
    "organisation_code": "The sub-ICB location (CCG) ODS code, e.g. 93C. Old CCG codes (e.g. 00C) and names are "
                         "mapped to today's sub-ICB location.",
    "date_added": "Day first: 03/11/2021, 3 Nov 2021, 03-Nov-21 or 2021-11-03; real date cells are read too.",
    "notification_date": f"Rapid reviews only (starts the {CLOCKS['rapid_review_due']['working_days']}-working-day "
                         "clock).",
    "dp_initials": "2 to 4 letters: initials only, never a name.",
    "partnership": "The partnership's name exactly as the tracker lists it.",
    "steis_number": "Year/five digits, e.g. 2021/12345. At least one identifier is required.",
    "local_identifier": "No patient identifiable data.",
    "theme_1": "A theme code (see the Themes sheet) or its label. Theme 1 is required.",
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
    """The template as XLSX: the Reviews sheet (first, the one imported), guidance, and the theme list."""
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
