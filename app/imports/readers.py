"""Reading an uploaded file into numbered rows of cells: CSV (UTF-8, UTF-8 with BOM, UTF-16 with or without a BOM,
Windows-1252) or XLSX (streamed: app.imports.xlsx).

The file type is decided by its content, never its name. Anything that is not a spreadsheet, is empty, too big, or
names a sheet that is not there is refused with an ImportRefused whose message says why. What one cell holds (a
formula, a text longer than a spreadsheet cell can hold) is the business of that cell's row, not of the file.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from openpyxl.utils import get_column_letter

from app.imports.xlsx import MAX_CELL_CHARS, Oversized, Workbook, XlsxDamaged, dimension_rows, open_workbook, sheet_rows

MAX_COLUMNS = 300
HEADER_ALLOWANCE = 11  # title rows and the header above the data rows
EXCEL_1900 = datetime(1899, 12, 30)
# The csv module refuses a field over 131,072 characters in its own words; let it read any field the size limit
# allows, and let the row judge it (a cell over MAX_CELL_CHARS refuses its row in plain words).
csv.field_size_limit(64 * 1024 * 1024)

# Magic numbers of common files people upload by mistake, and what to tell them.
NOT_SPREADSHEETS = [
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
]
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class ImportRefused(ValueError):
    """The file cannot be imported at all; the message says why. Nothing was read into the tracker."""


@dataclass(frozen=True)
class Limits:
    """How big a file may be: bytes as uploaded, bytes once unpacked (XLSX), data rows."""

    max_bytes: int
    max_rows: int
    max_unpacked_bytes: int


@dataclass
class Table:
    """A readable sheet: its format, and a way to walk its rows (spreadsheet row number, cells) again and again."""

    format: str
    encoding: str | None
    sheet_name: str | None
    sheet_names: list[str]
    epoch: datetime
    row_count: int
    notes: list[str] = field(default_factory=list)
    _text: str | None = None
    _delimiter: str = ","
    _data: bytes | None = None

    def rows(self) -> Iterator[tuple[int, list[Any]]]:
        """Every row (blank ones too, in a CSV) with its number as the spreadsheet shows it, trailing blanks
        trimmed."""
        if self.format == "csv":
            yield from _csv_rows(self._text or "", self._delimiter)
        else:
            yield from _xlsx_rows(self._data or b"", self.sheet_name)


def cell_name(row: int, column_index: int) -> str:
    """A spreadsheet cell reference such as C14 (column index from 0)."""
    return f"{get_column_letter(column_index + 1)}{row}"


def is_blank(value: Any) -> bool:
    """Whether a cell holds nothing but whitespace."""
    return value is None or (isinstance(value, str) and not value.strip())


def _trim(cells: list[Any]) -> list[Any]:
    end = len(cells)
    while end and is_blank(cells[end - 1]):
        end -= 1
    return cells[:end]


# ---------------------------------------------------------------- CSV
def _utf16_without_bom(data: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' when the bytes look like UTF-16 text without a BOM (every other byte zero in
    Latin text), else None."""
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        encoding = "UTF-8 with BOM"
        codec = "utf-8-sig"
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding, codec = "UTF-16", "utf-16"
    elif codec := _utf16_without_bom(data):
        encoding = "UTF-16 (no byte order mark)"
        if len(data) % 2:
            raise ImportRefused("The file looks like UTF-16 text without a byte order mark, but it is cut short (an "
                                "odd number of bytes): save it again as CSV UTF-8 and upload that.")
    else:
        try:
            return data.decode("utf-8"), "UTF-8"
        except UnicodeDecodeError:
            encoding, codec = "Windows-1252", "cp1252"
    try:
        return data.decode(codec), encoding
    except UnicodeDecodeError:
        if codec.startswith("utf-16"):
            raise ImportRefused(f"The file looks like {encoding} text but some of its bytes are not: save it again "
                                "as CSV UTF-8 (or XLSX) and upload that.") from None
        raise ImportRefused("The file is not a spreadsheet: it is neither an XLSX workbook nor CSV text in "
                            "UTF-8, UTF-16 or Windows-1252.") from None


def _delimiter(text: str) -> str:
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _csv_rows(text: str, delimiter: str) -> Iterator[tuple[int, list[Any]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for number, cells in enumerate(reader, start=1):
            yield number, _trim([Oversized(len(c)) if len(c) > MAX_CELL_CHARS else c for c in cells])
    except csv.Error as exc:
        raise ImportRefused(f"The CSV file cannot be read near row {reader.line_num}: {exc}.") from None


def _open_csv(data: bytes, limits: Limits, sheet: str | None) -> Table:
    text, encoding = _decode(data)
    if "\x00" in text:
        raise ImportRefused("The file is not a spreadsheet: it holds binary data (save it as XLSX or CSV).")
    delimiter = _delimiter(text)
    notes = [f"A CSV file has no sheets: the sheet name {sheet!r} was not used."] if sheet else []
    table = Table("csv", encoding, None, [], EXCEL_1900, 0, notes, _text=text, _delimiter=delimiter)
    table.row_count = _scan(table, limits)
    return table


# ---------------------------------------------------------------- XLSX
def _check_zip(data: bytes, limits: Limits) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError):
        raise ImportRefused("The file looks like an XLSX workbook but is damaged and cannot be opened.") from None
    if "xl/workbook.xml" not in names:
        if "mimetype" in names and any(n == "content.xml" for n in names):
            raise ImportRefused("The file is an OpenDocument spreadsheet (.ods): save it as XLSX or CSV.")
        if "word/document.xml" in names:
            raise ImportRefused("The file is a Word document, not a spreadsheet: save the table as XLSX or CSV.")
        raise ImportRefused("The file is a ZIP archive, not an XLSX workbook.")
    if unpacked > limits.max_unpacked_bytes:
        raise ImportRefused(f"The workbook unpacks to more than {limits.max_unpacked_bytes // (1024 * 1024)} MB: "
                            "split it into smaller files.")


def _workbook(data: bytes) -> Workbook:
    try:
        return open_workbook(zipfile.ZipFile(io.BytesIO(data)))
    except (XlsxDamaged, zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError):
        raise ImportRefused("The XLSX workbook is damaged and cannot be opened.") from None


def _choose_sheet(workbook: Workbook, wanted: str | None):
    names = workbook.sheet_names
    sheets = {ws.title: ws for ws in workbook.worksheets}
    listing = ", ".join(repr(n) for n in names) or "none"
    if not sheets:
        raise ImportRefused("The workbook has no worksheet to import.")
    if not wanted:
        return workbook.worksheets[0], names
    if wanted in sheets:
        return sheets[wanted], names
    folded = {n.strip().casefold(): ws for n, ws in sheets.items()}
    if wanted.strip().casefold() in folded:
        return folded[wanted.strip().casefold()], names
    raise ImportRefused(f"The workbook has no sheet named {wanted!r}. Its sheets are: {listing}.")


def _xlsx_rows(data: bytes, sheet_name: str | None) -> Iterator[tuple[int, list[Any]]]:
    workbook = _workbook(data)
    sheet = next(s for s in workbook.worksheets if s.title == sheet_name) if sheet_name else workbook.worksheets[0]
    try:
        for number, cells in sheet_rows(workbook, sheet, max_columns=MAX_COLUMNS + 1):
            yield number, _trim(cells)
    except XlsxDamaged:
        raise ImportRefused("The XLSX workbook is damaged and cannot be read to the end.") from None
    finally:
        workbook.archive.close()


def _open_xlsx(data: bytes, limits: Limits, sheet: str | None) -> Table:
    _check_zip(data, limits)
    workbook = _workbook(data)
    try:
        chosen, names = _choose_sheet(workbook, sheet)
        declared = dimension_rows(workbook, chosen)
        title, epoch = chosen.title, workbook.epoch
    except XlsxDamaged:
        raise ImportRefused("The XLSX workbook is damaged and cannot be opened.") from None
    finally:
        workbook.archive.close()
    if declared is not None and declared > limits.max_rows + HEADER_ALLOWANCE:
        raise ImportRefused(f"The sheet {title!r} has {declared:,} rows, more than the {limits.max_rows:,} an import "
                            "takes: split it into smaller files.")
    table = Table("xlsx", None, title, names, epoch, 0, _data=data)
    table.row_count = _scan(table, limits)
    if table.row_count == 0 and len(names) > 1 and not sheet:
        others = ", ".join(repr(n) for n in names[1:])
        raise ImportRefused(f"The first sheet {title!r} is empty. Name the sheet to import (other sheets: {others}).")
    return table


# ---------------------------------------------------------------- both
def _scan(table: Table, limits: Limits) -> int:
    """Count the non-blank rows, stopping as soon as there are too many rows or a row is too wide."""
    count = 0
    for number, cells in table.rows():
        if len(cells) > MAX_COLUMNS:
            raise ImportRefused(f"Row {number} has more than {MAX_COLUMNS} columns: this does not look like a "
                                "review tracker (delete the unused columns).")
        if any(not is_blank(v) for v in cells):
            count += 1
            if count > limits.max_rows + 1:  # + 1: the header row
                raise ImportRefused(f"The file has more than {limits.max_rows:,} rows: split it into smaller files.")
    return count


def open_table(data: bytes, *, limits: Limits, sheet: str | None = None) -> Table:
    """Open an uploaded file as a table, or refuse it with a message that says why (ImportRefused)."""
    if not data or not data.strip():
        raise ImportRefused("The file is empty.")
    if len(data) > limits.max_bytes:
        raise ImportRefused(f"The file is larger than the {limits.max_bytes / (1024 * 1024):g} MB limit: split it "
                            "into smaller files.")
    if data.startswith(OLE2):
        raise ImportRefused("The file is in the old Excel 97-2003 format (.xls): save it as XLSX or CSV.")
    for magic, what in NOT_SPREADSHEETS:
        if data.startswith(magic):
            raise ImportRefused(f"The file is {what}, not a spreadsheet: upload an XLSX workbook or a CSV file.")
    table = _open_xlsx(data, limits, sheet) if data.startswith(b"PK") else _open_csv(data, limits, sheet)
    if table.row_count == 0:
        raise ImportRefused("The file is empty: it has no rows with any value.")
    return table
