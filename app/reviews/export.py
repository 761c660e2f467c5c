"""Review exports: the columns, formula-safe cell values, and CSV / XLSX writers that stream in flat memory."""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from typing import Any, BinaryIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from app.audit.service import record
from app.people.actor import Actor
from app.privacy.guard import scan_text
from app.reviews.fields import label
from app.reviews.models import Review
from app.reviews.types import PublicationStatus, RapidOutcome, ReviewStatus, type_label
from app.timezone import london_today

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
BATCH = 500
DATE_FORMAT = "dd/mm/yyyy"
HEADER_FONT = Font(bold=True)


def neutralise(value: Any) -> Any:
    """Make a text cell inert in a spreadsheet: a leading = + - @ tab or CR gets an apostrophe in front."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _theme(n: int) -> Callable[[Review], str | None]:
    """Theme n as its label (the import reads labels back, and codes too)."""
    return lambda r: r.themes[n - 1].theme.label if len(r.themes) >= n else None


def _label(enum, value):
    return enum(value).label if value else None


# (column key, header, value getter). The import reads the same headers back (round trip).
EXPORT_COLUMNS: list[tuple[str, str, Callable[[Review], Any]]] = [
    ("id", label("id"), lambda r: r.id),
    ("status", label("status"), lambda r: _label(ReviewStatus, r.status)),
    ("review_type", label("review_type"), lambda r: type_label(r.review_type, r.date_added)),
    ("type_other_description", label("type_other_description"), lambda r: r.type_other_description),
    ("date_added", label("date_added"), lambda r: r.date_added),
    ("organisation_code", "Sub-ICB location code", lambda r: r.organisation_code),
    ("recorded_organisation_name", label("recorded_organisation_name"), lambda r: r.recorded_organisation_name),
    ("recorded_icb_code", label("recorded_icb_code"), lambda r: r.recorded_icb_code),
    ("recorded_icb_name", label("recorded_icb_name"), lambda r: r.recorded_icb_name),
    ("recorded_region_code", label("recorded_region_code"), lambda r: r.recorded_region_code),
    ("recorded_region_name", label("recorded_region_name"), lambda r: r.recorded_region_name),
    ("dp_initials", label("dp_initials"), lambda r: r.dp_initials),
    ("partnership", label("partnership"), lambda r: r.partnership.name if r.partnership else None),
    ("steis_number", label("steis_number"), lambda r: r.steis_number),
    ("lfpse_reference", label("lfpse_reference"), lambda r: r.lfpse_reference),
    ("local_identifier", label("local_identifier"), lambda r: r.local_identifier),
    ("incident_date", label("incident_date"), lambda r: r.incident_date),
    ("incident_learned_date", label("incident_learned_date"), lambda r: r.incident_learned_date),
    ("notification_date", label("notification_date"), lambda r: r.notification_date),
    ("decision_date", label("decision_date"), lambda r: r.decision_date),
    ("rapid_outcome", label("rapid_outcome"), lambda r: _label(RapidOutcome, r.rapid_outcome)),
    ("overview", label("overview"), lambda r: r.overview),
    ("theme_1", label("theme_1"), _theme(1)),
    ("theme_2", label("theme_2"), _theme(2)),
    ("theme_3", label("theme_3"), _theme(3)),
    ("media_interest", label("media_interest"), lambda r: "Yes" if r.media_interest else "No"),
    ("latest_update", label("latest_update"), lambda r: r.latest_update.text if r.latest_update else None),
    ("latest_update_on", label("latest_update_on"), lambda r: r.latest_update_on),
    ("signed_off_date", label("signed_off_date"), lambda r: r.signed_off_date),
    ("qa_submitted_date", label("qa_submitted_date"), lambda r: r.qa_submitted_date),
    ("qa_feedback_date", label("qa_feedback_date"), lambda r: r.qa_feedback_date),
    ("qa_approved_date", label("qa_approved_date"), lambda r: r.qa_approved_date),
    ("publication_date", label("publication_date"), lambda r: r.publication_date),
    ("publication_status", label("publication_status"), lambda r: _label(PublicationStatus, r.publication_status)),
    ("embargo_review_date", label("embargo_review_date"), lambda r: r.embargo_review_date),
    ("report_url", label("report_url"), lambda r: r.report_url),
    ("learning_1", label("learning_1"), lambda r: r.learning_1),
    ("learning_2", label("learning_2"), lambda r: r.learning_2),
    ("learning_3", label("learning_3"), lambda r: r.learning_3),
    ("recommendations", label("recommendations"), lambda r: r.recommendations),
    ("converted_to_id", label("converted_to_id"), lambda r: r.converted_to_id),
]
EXPORT_HEADERS = [header for _, header, _ in EXPORT_COLUMNS]


def _cell(value: Any) -> Any:
    """A cell value: text neutralised, dates kept as dates (ISO text in CSV, real date cells in XLSX)."""
    if isinstance(value, datetime):
        return value.isoformat()
    return neutralise(value)


def export_rows(query) -> Iterator[list[Any]]:
    """The rows of a review query (a legacy ORM Query) as export cells, loaded in batches of BATCH."""
    query = query.options(selectinload(Review.latest_update), selectinload(Review.themes)).yield_per(BATCH)
    for review in query:
        yield [_cell(getter(review)) for _, _, getter in EXPORT_COLUMNS]


def count_capped(session: Session, query, cap: int) -> int:
    """How many rows a query returns, counting no further than cap + 1."""
    sub = query.order_by(None).limit(cap + 1).subquery()
    return session.scalar(select(func.count()).select_from(sub)) or 0


def csv_chunks(rows: Iterable[list[Any]], *, bom: bool = True) -> Iterator[str]:
    """CSV text (header first) in chunks of a few hundred rows; a BOM first so Excel reads it as UTF-8."""
    buffer = io.StringIO()
    if bom:
        buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_HEADERS)
    for n, row in enumerate(rows, start=1):
        writer.writerow(["" if v is None else v for v in row])
        if n % BATCH == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _xlsx_cell(sheet, value: Any, *, bold: bool = False) -> Any:
    """A write-only cell: dates shown day first, text without the control characters XML cannot hold."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", neutralise(value))
    if isinstance(value, date) or bold:
        cell = WriteOnlyCell(sheet, value=value)
        if bold:
            cell.font = HEADER_FONT
        else:
            cell.number_format = DATE_FORMAT
        return cell
    return value


def xlsx_file(rows: Iterable[list[Any]], *, sheet_title: str = "Reviews") -> BinaryIO:
    """An XLSX workbook written row by row (openpyxl write-only mode) into a temporary file."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title)
    sheet.freeze_panes = "A2"
    sheet.append([_xlsx_cell(sheet, header, bold=True) for header in EXPORT_HEADERS])
    for row in rows:
        sheet.append([_xlsx_cell(sheet, value) for value in row])
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - returned to the caller
    workbook.save(out)
    out.seek(0)
    return out


def record_export(
    session: Session, *, actor: Actor, now: datetime, export_type: str, rows: int, described: dict
) -> None:
    """Write the export to the audit trail, with the search and filters the user typed unless they hold what looks like
    patient-identifiable data (the trail is append-only: such text is withheld, naming only what kind it was)."""
    search, filters = described.get("search"), described.get("filters")
    kinds = [f.description for f in scan_text(f"{search or ''}\n" + "\n".join(filters or []),
                                                today=london_today(now))]
    asked = (f"search and filters withheld (they held {' and '.join(kinds)})" if kinds
             else f"search {search!r}; filters {filters}")
    record(session, action="review.export", actor=actor, now=now, entity="review",
           detail=f"exported {rows} reviews as {export_type}; scope {actor.scope.code}; {asked}")
