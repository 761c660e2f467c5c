"""The national S-CRT extract: one row per review open at any time in the period, in the collection's columns.

Inclusion: every review within the report's area (geography mode) and the requester's scope that was open
at any time during the period: open at its start, or added during it (so reviews that opened and closed
within the period are included). One query, streamed in batches (flat memory); labels and value codes
come from config/scrt.py.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any, BinaryIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from sqlalchemy import Row, and_, func, select
from sqlalchemy.orm import Session, aliased

from app.orgs.models import IntegratedCareBoard, Partnership, Region, SubIcbLocation, Theme
from app.reports.queries import active_between, counted
from app.reports.request import Geography, ReportRequest
from app.reviews.export import neutralise
from app.reviews.models import Review, ReviewTheme, ReviewUpdate
from app.reviews.types import ReviewStatus, ReviewType

BATCH = 500
INCLUSION_RULE = ("Reviews open at any time during the period (open at its start, or added during it), within "
                  "the scope and geography mode stated, and within the requester's own scope.")
KNOWN_KEYS = frozenset({
    "status", "date_added", "ccg_area", "ccg_code", "stp_area", "stp_code", "region_name", "region_code",
    "dp_initials", "partnership", "identifier", "review_type", "incident_date", "overview", "theme_1", "theme_2",
    "theme_3", "media_interest", "latest_update", "signed_off_date", "publication_date", "publication_status",
    "report_url", "learning_1", "learning_2", "learning_3", "recommendations",
})


class ExtractConfigError(ValueError):
    """The S-CRT mapping in config/scrt.py names a column the extract cannot fill."""


def check_mapping(mapping: dict) -> list[str]:
    """The configured column keys, in order (ExtractConfigError for an unknown or repeated key)."""
    keys = [key for key, _ in mapping["columns"]]
    unknown = sorted(set(keys) - KNOWN_KEYS)
    if unknown or len(set(keys)) != len(keys):
        raise ExtractConfigError(f"SCRT_EXTRACT columns: unknown {unknown} or repeated keys in {keys}")
    return keys


def headers(mapping: dict) -> list[str]:
    """The extract's header row."""
    check_mapping(mapping)
    return [label for _, label in mapping["columns"]]


def _statement(request: ReportRequest, mapping: dict):
    slots = [(aliased(ReviewTheme), aliased(Theme)) for _ in range(3)]
    theme_column = "label" if mapping.get("theme_value", "label") == "label" else "code"
    if request.geography == Geography.RECORDED:
        tree = [Review.recorded_organisation_name, Review.recorded_icb_name, Review.recorded_icb_code,
                Review.recorded_region_name, Review.recorded_region_code]
    else:
        tree = [SubIcbLocation.name, IntegratedCareBoard.name, IntegratedCareBoard.code, Region.name, Region.code]
    stmt = select(
        Review.id, Review.status, Review.review_type, Review.type_other_description, Review.date_added,
        Review.organisation_code, *tree, Review.dp_initials, Partnership.name, Review.steis_number,
        Review.lfpse_reference, Review.local_identifier, Review.incident_date, Review.overview,
        *(getattr(theme, theme_column) for _, theme in slots), Review.media_interest, ReviewUpdate.text,
        Review.signed_off_date, Review.publication_date, Review.publication_status, Review.report_url,
        Review.learning_1, Review.learning_2, Review.learning_3, Review.recommendations,
    ).select_from(Review)
    if request.geography == Geography.CURRENT:
        stmt = (stmt.join(SubIcbLocation, SubIcbLocation.code == Review.organisation_code)
                .join(IntegratedCareBoard, IntegratedCareBoard.code == SubIcbLocation.icb_code)
                .join(Region, Region.code == IntegratedCareBoard.region_code))
    stmt = stmt.outerjoin(Partnership, Partnership.id == Review.partnership_id)
    for position, (link, theme) in enumerate(slots, start=1):
        stmt = (stmt.outerjoin(link, and_(link.review_id == Review.id, link.position == position))
                .outerjoin(theme, theme.code == link.theme_code))
    stmt = stmt.outerjoin(ReviewUpdate, ReviewUpdate.id == Review.latest_update_id)
    return stmt.where(*_inclusion(request)).order_by(Review.date_added, Review.id)


def _inclusion(request: ReportRequest) -> list:
    return [counted(request), active_between(request.period.start, request.period.end)]


def count_rows(session: Session, request: ReportRequest) -> int:
    """How many reviews the extract holds (one COUNT)."""
    return session.scalar(select(func.count(Review.id)).where(*_inclusion(request))) or 0


def _review_type(row: Row, mapping: dict) -> str:
    if row.status == ReviewStatus.CONVERTED.value:
        return mapping["converted_type"]
    value = mapping["review_type"].get(row.review_type, ReviewType(row.review_type).short)
    if row.review_type == ReviewType.OTHER.value and mapping.get("other_type_with_description") \
            and row.type_other_description:
        value = f"{value}: {row.type_other_description}"
    return value


def _values(row: Row, mapping: dict) -> dict[str, Any]:
    (_id, status, _type, _other, added, org_code, org_name, icb_name, icb_code, region_name, region_code, initials,
     partnership, steis, lfpse, local, incident, overview, theme_1, theme_2, theme_3, media, latest, signed,
     published, publication, url, learning_1, learning_2, learning_3, recommendations) = row
    separator = mapping.get("identifier_separator", " / ")
    return {
        "status": mapping["status"].get(status, status), "date_added": added, "ccg_area": org_name,
        "ccg_code": org_code, "stp_area": icb_name, "stp_code": icb_code, "region_name": region_name,
        "region_code": region_code, "dp_initials": initials, "partnership": partnership,
        "identifier": separator.join(v for v in (steis, lfpse, local) if v), "review_type": _review_type(row, mapping),
        "incident_date": incident, "overview": overview, "theme_1": theme_1, "theme_2": theme_2, "theme_3": theme_3,
        "media_interest": mapping["yes_no"][bool(media)], "latest_update": latest, "signed_off_date": signed,
        "publication_date": published,
        "publication_status": mapping["publication_status"].get(publication) if publication else None,
        "report_url": url, "learning_1": learning_1, "learning_2": learning_2, "learning_3": learning_3,
        "recommendations": recommendations,
    }


def extract_rows(session: Session, request: ReportRequest, mapping: dict) -> Iterator[list[Any]]:
    """The extract's rows in column order (plain values: dates stay dates), fetched BATCH rows at a time."""
    keys = check_mapping(mapping)
    result = session.execute(_statement(request, mapping).execution_options(yield_per=BATCH))
    for row in result:
        values = _values(row, mapping)
        yield [values[key] for key in keys]


def _csv_value(value: Any, mapping: dict) -> Any:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.strftime(mapping.get("csv_date_format", "%Y-%m-%d"))
    return neutralise(value)


def csv_chunks(rows: Iterable[list[Any]], mapping: dict, preamble: list[tuple[str, str]]) -> Iterator[str]:
    """The extract as CSV text in chunks (optional preamble lines, a blank line, the header, the rows)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    if mapping.get("csv_preamble", True):
        writer.writerow(["S-CRT extract"])
        for name, value in [*preamble, ("Includes", INCLUSION_RULE)]:
            writer.writerow([name, neutralise(value)])
        writer.writerow([])
    writer.writerow(headers(mapping))
    for n, row in enumerate(rows, start=1):
        writer.writerow([_csv_value(v, mapping) for v in row])
        if n % BATCH == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def xlsx_file(rows: Iterable[list[Any]], mapping: dict, preamble: list[tuple[str, str]]) -> BinaryIO:
    """The extract as XLSX: sheet 'S-CRT extract' (header row, then rows) and sheet 'About' (the preamble)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("S-CRT extract")
    bold = Font(bold=True)
    header_cells = []
    for label in headers(mapping):
        cell = WriteOnlyCell(sheet, value=label)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    date_format = mapping.get("xlsx_date_format", "yyyy-mm-dd")
    for row in rows:
        out = []
        for value in row:
            if isinstance(value, date):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = date_format
                out.append(cell)
            else:
                out.append(neutralise(value))
        sheet.append(out)
    about = workbook.create_sheet("About")
    about.append(["S-CRT extract"])
    for name, value in [*preamble, ("Includes", INCLUSION_RULE)]:
        about.append([name, neutralise(value)])
    handle = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - returned to the caller
    workbook.save(handle)
    handle.seek(0)
    return handle
