"""A streaming XLSX reader: the workbook's parts are decompressed and parsed a chunk at a time (expat), so memory
stays bounded whatever a cell holds, and reading can stop at any row.

openpyxl holds every shared string, and each whole text node, in memory (a 97 KB workbook with one 95 MB cell
costs half a gigabyte). Here a text longer than MAX_CELL_CHARS is never kept: the cell reads as `Oversized`
(its length only), a formula cell as `Formula` (never evaluated), and the row that holds one is refused by the
import. Dates follow the cell's number format (openpyxl's `is_date_format`) and the workbook's epoch.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from xml.parsers import expat

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

MAX_CELL_CHARS = 32_767  # the most text an Excel cell can hold
CHUNK = 64 * 1024
CELL_REF = re.compile(r"^([A-Z]{1,3})(\d+)$")
DIMENSION = re.compile(r"^[A-Z]{1,3}\d+:[A-Z]{1,3}(\d+)$|^[A-Z]{1,3}(\d+)$")


class XlsxDamaged(ValueError):
    """A part of the workbook is missing or is not well-formed XML."""


@dataclass(frozen=True)
class Formula:
    """A cell holding a formula (its value is never computed or trusted)."""

    text: str


@dataclass(frozen=True)
class Oversized:
    """A cell whose text is longer than MAX_CELL_CHARS (only its length is kept)."""

    length: int


@dataclass
class Sheet:
    """A worksheet (or a chart sheet, which has no cells) and the part that holds it."""

    title: str
    path: str | None


@dataclass
class Workbook:
    """What reading a workbook needs: its sheets, the epoch, date styles and shared strings (read lazily)."""

    archive: zipfile.ZipFile
    sheets: list[Sheet]
    epoch: datetime
    date_styles: set[int] = field(default_factory=set)
    _strings: list[Any] | None = None

    @property
    def sheet_names(self) -> list[str]:
        """Every sheet's name, in order."""
        return [s.title for s in self.sheets]

    @property
    def worksheets(self) -> list[Sheet]:
        """The sheets that hold cells."""
        return [s for s in self.sheets if s.path]

    @property
    def strings(self) -> list[Any]:
        """The shared strings (each capped)."""
        if self._strings is None:
            self._strings = _shared_strings(self.archive)
        return self._strings


def _local(name: str) -> str:
    return name.rsplit(":", 1)[-1]


def _attr(attrs: dict[str, str], local: str) -> str | None:
    return next((v for k, v in attrs.items() if _local(k) == local), None)


def _parse(archive: zipfile.ZipFile, path: str, start: Callable, end: Callable | None = None,
           text: Callable | None = None, stop: Callable[[], bool] | None = None) -> None:
    """Stream one XML part through expat with the given handlers (stop() ends the read early)."""
    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.StartElementHandler = start
    if end:
        parser.EndElementHandler = end
    if text:
        parser.CharacterDataHandler = text
    try:
        with archive.open(path) as stream:
            while chunk := stream.read(CHUNK):
                parser.Parse(chunk, False)
                if stop and stop():
                    return
            parser.Parse(b"", True)
    except KeyError:
        raise XlsxDamaged(f"missing part {path}") from None
    except (expat.ExpatError, zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise XlsxDamaged(str(exc)) from None


class _Text:
    """Text gathered from character data, never beyond MAX_CELL_CHARS (the rest is only counted)."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0

    def add(self, data: str) -> None:
        if self.length + len(data) <= MAX_CELL_CHARS:
            self.parts.append(data)
        elif self.length <= MAX_CELL_CHARS:
            self.parts = []
        self.length += len(data)

    def value(self) -> str | Oversized:
        return Oversized(self.length) if self.length > MAX_CELL_CHARS else "".join(self.parts)


def _shared_strings(archive: zipfile.ZipFile) -> list[Any]:
    if "xl/sharedStrings.xml" not in archive.namelist():
        return []
    strings: list[Any] = []
    state = {"text": None, "in_t": False, "phonetic": 0}

    def start(name, attrs):
        name = _local(name)
        if name == "si":
            state["text"] = _Text()
        elif name == "rPh":
            state["phonetic"] += 1
        elif name == "t":
            state["in_t"] = True

    def end(name):
        name = _local(name)
        if name == "si":
            strings.append(state["text"].value())
            state["text"] = None
        elif name == "rPh":
            state["phonetic"] -= 1
        elif name == "t":
            state["in_t"] = False

    def text(data):
        if state["in_t"] and not state["phonetic"] and state["text"] is not None:
            state["text"].add(data)

    _parse(archive, "xl/sharedStrings.xml", start, end, text)
    return strings


def _date_styles(archive: zipfile.ZipFile) -> set[int]:
    if "xl/styles.xml" not in archive.namelist():
        return set()
    formats = dict(BUILTIN_FORMATS)
    styles: list[int] = []
    depth = {"cellXfs": False}

    def start(name, attrs):
        name = _local(name)
        if name == "numFmt" and _attr(attrs, "numFmtId"):
            formats[int(_attr(attrs, "numFmtId"))] = _attr(attrs, "formatCode") or ""
        elif name == "cellXfs":
            depth["cellXfs"] = True
        elif name == "xf" and depth["cellXfs"]:
            styles.append(int(_attr(attrs, "numFmtId") or 0))

    def end(name):
        if _local(name) == "cellXfs":
            depth["cellXfs"] = False

    _parse(archive, "xl/styles.xml", start, end)
    return {index for index, fmt_id in enumerate(styles) if is_date_format(formats.get(fmt_id, ""))}


def open_workbook(archive: zipfile.ZipFile) -> Workbook:
    """The workbook's sheets (with the parts holding them), epoch and date styles; XlsxDamaged when unreadable."""
    rels: dict[str, tuple[str, str]] = {}

    def rel(name, attrs):
        if _local(name) == "Relationship":
            rels[_attr(attrs, "Id") or ""] = (_attr(attrs, "Type") or "", _attr(attrs, "Target") or "")

    if "xl/_rels/workbook.xml.rels" in archive.namelist():
        _parse(archive, "xl/_rels/workbook.xml.rels", rel)
    sheets: list[Sheet] = []
    epoch = [CALENDAR_WINDOWS_1900]

    def start(name, attrs):
        name = _local(name)
        if name == "workbookPr" and (_attr(attrs, "date1904") or "").lower() in ("1", "true"):
            epoch[0] = CALENDAR_MAC_1904
        elif name == "sheet":
            kind, target = rels.get(_attr(attrs, "id") or "", ("", ""))
            path = None
            if kind.endswith("/worksheet") and target:
                path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
            sheets.append(Sheet(_attr(attrs, "name") or "", path))

    _parse(archive, "xl/workbook.xml", start)
    return Workbook(archive, sheets, epoch[0], _date_styles(archive))


def dimension_rows(workbook: Workbook, sheet: Sheet) -> int | None:
    """The last row the sheet's <dimension> element declares (read from the part's first bytes), or None."""
    found: list[int] = []
    done = [False]

    def start(name, attrs):
        name = _local(name)
        if name == "dimension":
            match = DIMENSION.match((_attr(attrs, "ref") or "").upper().replace("$", ""))
            if match:
                found.append(int(match[1] or match[2]))
            done[0] = True
        elif name in ("sheetData", "row"):
            done[0] = True

    _parse(workbook.archive, sheet.path, start, stop=lambda: done[0])
    return found[0] if found else None


def _column(ref: str | None, fallback: int) -> int:
    match = CELL_REF.match(ref or "")
    if not match:
        return fallback
    index = 0
    for letter in match[1]:
        index = index * 26 + ord(letter) - 64
    return index - 1


def _number(text: str) -> int | float:
    try:
        return int(text)
    except ValueError:
        return float(text)


class _SheetReader:
    """Turns a worksheet's XML events into rows of typed cell values."""

    def __init__(self, workbook: Workbook, max_columns: int):
        self.workbook, self.max_columns = workbook, max_columns
        self.rows: list[tuple[int, list[Any]]] = []
        self.row_number, self.cells = 0, {}
        self.cell: dict[str, Any] | None = None
        self.text: _Text | None = None
        self.formula: _Text | None = None
        self.phonetic = 0

    def start(self, name, attrs):
        name = _local(name)
        if name == "row":
            number = _attr(attrs, "r")
            self.row_number = int(number) if number and number.isdigit() else self.row_number + 1
            self.cells = {}
        elif name == "c":
            column = _column(_attr(attrs, "r"), max(self.cells, default=-1) + 1)
            style = _attr(attrs, "s")
            self.cell = {"column": column, "type": _attr(attrs, "t") or "n", "style": int(style) if style else 0}
        elif name in ("v", "t") and self.cell is not None and not self.phonetic:
            self.text = _Text() if self.text is None else self.text
        elif name == "f" and self.cell is not None:
            self.formula = _Text()
        elif name == "rPh":
            self.phonetic += 1

    def end(self, name):
        name = _local(name)
        if name == "c" and self.cell is not None:
            if self.cell["column"] <= self.max_columns:
                self.cells[self.cell["column"]] = self._value()
            self.cell, self.text, self.formula = None, None, None
        elif name == "row":
            width = max(self.cells, default=-1) + 1
            self.rows.append((self.row_number, [self.cells.get(i) for i in range(width)]))
        elif name == "rPh":
            self.phonetic -= 1

    def data(self, data):
        if self.formula is not None and self.text is None:
            self.formula.add(data)
        elif self.text is not None and not self.phonetic:
            self.text.add(data)

    def _value(self) -> Any:
        if self.formula is not None:
            text = self.formula.value()
            return Formula("=" + text if isinstance(text, str) else "=")
        raw = self.text.value() if self.text is not None else None
        kind = self.cell["type"]
        if raw is None or isinstance(raw, Oversized):
            return raw
        if kind == "s":
            strings = self.workbook.strings
            index = int(raw) if raw.strip().isdigit() else -1
            return strings[index] if 0 <= index < len(strings) else None
        if kind in ("inlineStr", "str", "e"):
            return raw
        if kind == "b":
            return raw.strip() in ("1", "true")
        if kind == "d":
            try:
                return datetime.fromisoformat(raw.strip())
            except ValueError:
                return raw
        try:
            number = _number(raw.strip())
        except ValueError:
            return raw
        if self.cell["style"] in self.workbook.date_styles:
            try:
                return from_excel(number, epoch=self.workbook.epoch)
            except (ValueError, OverflowError):
                return number
        return number


def sheet_rows(workbook: Workbook, sheet: Sheet, *, max_columns: int) -> Iterator[tuple[int, list[Any]]]:
    """Every row of a worksheet that has a cell (row number as the spreadsheet shows it, cells from column A)."""
    reader = _SheetReader(workbook, max_columns)
    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.StartElementHandler, parser.EndElementHandler = reader.start, reader.end
    parser.CharacterDataHandler = reader.data
    try:
        with workbook.archive.open(sheet.path) as stream:
            while chunk := stream.read(CHUNK):
                parser.Parse(chunk, False)
                yield from reader.rows
                reader.rows.clear()
            parser.Parse(b"", True)
            yield from reader.rows
    except KeyError:
        raise XlsxDamaged(f"missing part {sheet.path}") from None
    except (expat.ExpatError, zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise XlsxDamaged(str(exc)) from None
