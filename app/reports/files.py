"""Report tables as CSV and XLSX files. Every file starts by saying what it holds: period, scope, geography.

Layout (CSV and each XLSX sheet): the title; one "name, value" line per preamble entry (period, scope,
geography, reference days, the requester's scope, when generated, the table's note); a blank line; the
header row; the rows. Text cells are made inert for spreadsheets (app.reviews.export.neutralise).
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
import zipfile
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any, BinaryIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from app.reports.tables import ReportTable
from app.reviews.export import neutralise

SHEET_TITLES = {
    "flow": "By type", "areas": "By area", "rapid": "Rapid reviews", "themes": "Themes",
    "overdue": "Overdue clocks", "media": "Media interest", "trend": "Open trend", "learning": "Learning",
}
TITLE_PREFIX = "Safeguarding case reviews: "
BOLD = Font(bold=True)


def csv_cell(value: Any) -> Any:
    """A value as a CSV cell: dates in ISO form, None blank, text made inert."""
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    return neutralise(value)


def xlsx_cell(value: Any) -> Any:
    """A value as an XLSX cell: dates stay dates, numbers stay numbers, text made inert."""
    return neutralise(value)


def _preamble_rows(table: ReportTable, lines: list[tuple[str, str]]) -> list[list[Any]]:
    rows: list[list[Any]] = [[TITLE_PREFIX + table.title]]
    rows += [[name, value] for name, value in lines]
    if table.note:
        rows.append(["Note", table.note])
    return rows


def table_csv(table: ReportTable, lines: list[tuple[str, str]]) -> str:
    """One table as CSV text, with the preamble."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in _preamble_rows(table, lines):
        writer.writerow([csv_cell(v) for v in row])
    writer.writerow([])
    writer.writerow(table.headers)
    for row in table.rows:
        writer.writerow([csv_cell(v) for v in row])
    return buffer.getvalue()


def _bold(sheet, values: Iterable[Any]) -> list[WriteOnlyCell]:
    cells = []
    for value in values:
        cell = WriteOnlyCell(sheet, value=value)
        cell.font = BOLD
        cells.append(cell)
    return cells


def _date_cells(sheet, row: list[Any]) -> list[Any]:
    out = []
    for value in row:
        if isinstance(value, date) and not isinstance(value, datetime):
            cell = WriteOnlyCell(sheet, value=value)
            cell.number_format = "yyyy-mm-dd"
            out.append(cell)
        else:
            out.append(xlsx_cell(value))
    return out


def _write_sheet(workbook: Workbook, table: ReportTable, lines: list[tuple[str, str]]) -> None:
    sheet = workbook.create_sheet(SHEET_TITLES.get(table.key, table.key)[:31])
    preamble = _preamble_rows(table, lines)
    sheet.append(_bold(sheet, preamble[0]))
    for row in preamble[1:]:
        sheet.append([xlsx_cell(v) for v in row])
    sheet.append([])
    sheet.append(_bold(sheet, table.headers))
    for row in table.rows:
        sheet.append(_date_cells(sheet, row))


def spooled() -> BinaryIO:
    """A temporary file that stays in memory up to 8 MB."""
    return tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)


def zip_stamp(day: date) -> tuple[int, int, int, int, int, int]:
    """A ZIP entry time for a day (midnight; ZIP times start in 1980)."""
    return (max(day.year, 1980), day.month, day.day, 0, 0, 0)


_CORE_TIMES = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


def reproducible_xlsx(workbook: BinaryIO, day: date) -> BinaryIO:
    """The same workbook with every entry's time and the document's created/modified times set to a day, so the
    same figures always give the same bytes."""
    stamp = f"{day.isoformat()}T00:00:00Z".encode()
    out = spooled()
    with zipfile.ZipFile(workbook) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = _CORE_TIMES.sub(lambda m: m.group(1) + stamp + m.group(3), data)
            archive.writestr(zipfile.ZipInfo(info.filename, date_time=zip_stamp(day)), data,
                             compress_type=zipfile.ZIP_DEFLATED)
    out.seek(0)
    return out


def tables_xlsx(tables: list[ReportTable], lines: list[tuple[str, str]], *, day: date) -> BinaryIO:
    """An XLSX workbook with one sheet per table (write-only mode, into a temporary file), stamped with `day` (the
    report's as-at day)."""
    workbook = Workbook(write_only=True)
    workbook.properties.creator = "Safeguarding Case Review Tracker"
    for table in tables:
        _write_sheet(workbook, table, lines)
    with spooled() as handle:
        workbook.save(handle)
        handle.seek(0)
        return reproducible_xlsx(handle, day)


def read_csv_table(text: str) -> tuple[dict[str, str], list[str], list[list[str]]]:
    """Read back a report CSV: (preamble as a dict, headers, rows). Used by tests and by people's scripts."""
    rows = list(csv.reader(io.StringIO(text)))
    blank = rows.index([])
    preamble = {r[0]: (r[1] if len(r) > 1 else "") for r in rows[1:blank]}
    return preamble, rows[blank + 1], rows[blank + 2:]
