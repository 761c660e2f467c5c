"""The S-CRT extract's files. The header row is always line 1 of the data; what the extract holds (period, scope,
geography, as-at day, who may see it, the inclusion rule and notes) is said beside it:

- CSV: the bare table; the file name says period, scope, geography and as-at day
  (`scrt-extract-2022-Q3-ENG-recorded-as-at-2022-12-31.csv`);
- ZIP: that CSV and `about.csv` (one "name,value" line each) in one download;
- XLSX: sheet "S-CRT extract" (header on row 1) and sheet "About".

The same request gives the same bytes (no generation time inside; ZIP and XLSX entries are stamped with the
as-at day), so a file can be checked against one sent before.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import Any, BinaryIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from sqlalchemy.orm import Session

from app.reports.extract import BATCH, INCLUSION_RULE, extract_rows, headers
from app.reports.files import reproducible_xlsx, spooled, zip_stamp
from app.reports.request import ReportRequest
from app.reviews.export import neutralise

FORMATS = ("csv", "zip", "xlsx")

ABOUT_NOTES = (
    ("Status", "Open or Closed at the end of the day the extract is taken on (the period's last day, or the as-at "
               "day when that comes first). A rapid review that had converted is Closed, with Type of review "
               "Converted, its outcome, decision date and the record it became."),
    ("Dates", "Sign-off, publication and decision dates after that day are left blank: they had not happened."),
    ("Latest update", "The newest timeline entry dated on or before that day, among those recorded by the as-at "
                      "day."),
    ("Overdue clocks", "The tracker's clocks past their due date at the end of that day, worked out from the "
                       "review as it stood then."),
    ("Names", "One name per code: the name in the hierarchy in force at the end of the period (as recorded), or "
              "today's (current hierarchy)."),
)


def _csv_value(value: Any, mapping: dict) -> Any:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.strftime(mapping.get("csv_date_format", "%Y-%m-%d"))
    return neutralise(value)


def csv_chunks(rows: Iterable[list[Any]], mapping: dict) -> Iterator[str]:
    """The extract as CSV text in chunks: the header row (line 1), then the rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers(mapping))
    for n, row in enumerate(rows, start=1):
        writer.writerow([_csv_value(v, mapping) for v in row])
        if n % BATCH == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def about_lines(preamble: list[tuple[str, str]], rows: int | None = None) -> list[tuple[str, str]]:
    """What the extract holds, as (name, value) lines: the report's preamble, the inclusion rule, the notes."""
    lines = [("File", "S-CRT extract"), *preamble, ("Includes", INCLUSION_RULE)]
    if rows is not None:
        lines.append(("Rows", str(rows)))
    return [*lines, *ABOUT_NOTES]


def about_csv(lines: list[tuple[str, str]]) -> str:
    """The side file: one 'name,value' line each."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["Name", "Value"])
    for name, value in lines:
        writer.writerow([name, neutralise(value)])
    return buffer.getvalue()


def zip_file(csv_name: str, csv_text: str, lines: list[tuple[str, str]], *, day: date) -> bytes:
    """The CSV and its about.csv in one ZIP, entries stamped with the as-at day."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in ((csv_name, csv_text), ("about.csv", about_csv(lines))):
            archive.writestr(zipfile.ZipInfo(name, date_time=zip_stamp(day)), text.encode("utf-8"),
                             compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def xlsx_file(rows: Iterable[list[Any]], mapping: dict, lines: list[tuple[str, str]], *, day: date) -> BinaryIO:
    """The extract as XLSX: sheet 'S-CRT extract' (header row 1, then rows) and sheet 'About'."""
    workbook = Workbook(write_only=True)
    workbook.properties.creator = "Safeguarding Case Review Tracker"
    workbook.properties.created = datetime(day.year, day.month, day.day)
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
    for name, value in lines:
        about.append([name, neutralise(value)])
    with spooled() as handle:
        workbook.save(handle)
        handle.seek(0)
        return reproducible_xlsx(handle, day)


def extract_filename(request: ReportRequest, file_format: str) -> str:
    """The file name, which says what the extract holds."""
    return f"scrt-extract-{request.slug}.{file_format}"


def extract_csv(session: Session, request: ReportRequest, mapping: dict, *, clocks: dict) -> str:
    """The whole CSV extract as text (for the ZIP and for a signed-off return)."""
    return "".join(csv_chunks(extract_rows(session, request, mapping, clocks=clocks), mapping))


def extract_zip(session: Session, request: ReportRequest, mapping: dict, lines: list[tuple[str, str]], *,
                clocks: dict) -> bytes:
    """The CSV extract with its about.csv, zipped."""
    return zip_file(extract_filename(request, "csv"), extract_csv(session, request, mapping, clocks=clocks), lines,
                    day=request.as_at)


def extract_xlsx(session: Session, request: ReportRequest, mapping: dict, lines: list[tuple[str, str]], *,
                 clocks: dict) -> BinaryIO:
    """The XLSX extract (extract sheet and About sheet) as a file to stream."""
    return xlsx_file(extract_rows(session, request, mapping, clocks=clocks), mapping, lines, day=request.as_at)
