"""The reader under hostile or unusual files: huge cells, huge sheets, UTF-16 without a byte order mark.

Issue 14 item 7: a 1,000,000-character CSV cell was refused in Python's words; a 97 KB XLSX with one 95 MB cell was
parsed whole (510 MB); an 850k-row XLSX took 11 s before the row limit; UTF-16 without a BOM was called binary.
"""

from __future__ import annotations

import io
import time
import tracemalloc
import zipfile
from datetime import datetime

import pytest

from app.imports.readers import ImportRefused, Limits, open_table
from app.imports.xlsx import MAX_CELL_CHARS, Oversized
from tests.imports.helpers import problems, run

LIMITS = Limits(max_bytes=10 * 1024 * 1024, max_rows=200_000, max_unpacked_bytes=100 * 1024 * 1024)
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
RELS_NS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'


def workbook(sheet_rows, *, strings=(), dimension: str | None = None, date1904: bool = False,
             styles: bool = False) -> bytes:
    """A minimal XLSX written part by part (as Excel lays it out), the sheet streamed from `sheet_rows`
    (an iterable of XML chunks) so that very large sheets cost the test little memory."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        epoch = '<workbookPr date1904="1"/>' if date1904 else ""
        z.writestr("xl/workbook.xml", f'<workbook {NS} {RELS_NS}>{epoch}'
                                      '<sheets><sheet name="Tracker" sheetId="1" r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels",
                   '<Relationships><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
                   '2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
        if styles:
            z.writestr("xl/styles.xml", f'<styleSheet {NS}><numFmts><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/>'
                                        '</numFmts><cellXfs><xf numFmtId="0"/><xf numFmtId="164"/></cellXfs>'
                                        '</styleSheet>')
        with z.open("xl/sharedStrings.xml", "w") as part:
            part.write(f"<sst {NS}>".encode())
            for text in strings:
                part.write(b"<si>")
                for chunk in ([text] if isinstance(text, str) else text):
                    part.write(f"<t>{chunk}</t>".encode())
                part.write(b"</si>")
            part.write(b"</sst>")
        with z.open("xl/worksheets/sheet1.xml", "w") as part:
            part.write(f"<worksheet {NS}>".encode())
            if dimension:
                part.write(f'<dimension ref="{dimension}"/>'.encode())
            part.write(b"<sheetData>")
            for chunk in sheet_rows:
                part.write(chunk.encode())
            part.write(b"</sheetData></worksheet>")
    return out.getvalue()


def huge_string(size: int):
    """The text of one shared string, in 1 MB pieces (never built whole)."""
    piece = "x" * (1024 * 1024)
    for _ in range(size // len(piece)):
        yield piece


def test_a_csv_cell_of_a_million_characters_is_marked_for_its_row_in_plain_words():
    data = b"CCG,Local ref,Brief overview\r\n93C,A-1," + b"y" * 1_000_000 + b"\r\n93C,A-2,short\r\n"
    table = open_table(data, limits=LIMITS)
    cells = [cells for _, cells in table.rows()]
    assert cells[1] == ["93C", "A-1", Oversized(1_000_000)] and cells[2] == ["93C", "A-2", "short"]


def test_a_million_character_cell_refuses_its_row_in_plain_words_and_the_other_rows_go_in(session):
    head = "CCG Code,Type of review,Date added,DP initials,Local ref,Theme 1,Brief overview\r\n"
    data = (head + "93C,SAR,03/11/2021,AB,BIG-1,CA_NEGLECT," + "y" * 1_000_000 + "\r\n"
            "93C,SAR,04/11/2021,AB,BIG-2,CA_NEGLECT,Agencies did not share information.\r\n").encode()
    report = run(session, data, who="dp_ncl", commit=True)
    assert report.committed and report.count("create") == 1 and [r.row for r in report.refused_rows] == [2]
    assert problems(report) == [(2, "Brief overview", "text too long for a cell", "The cell holds 1,000,000 "
                                 "characters, more than the 32,767 a spreadsheet cell can hold: shorten it.")]
    assert "field larger than field limit" not in str(report.to_dict())  # the csv module's own words


def test_an_xlsx_with_one_huge_cell_is_read_in_bounded_memory():
    size = 95 * 1024 * 1024
    data = workbook(['<row r="1"><c r="A1" t="inlineStr"><is><t>CCG</t></is></c>'
                     '<c r="B1" t="inlineStr"><is><t>Brief overview</t></is></c></row>'
                     '<row r="2"><c r="A2" t="inlineStr"><is><t>93C</t></is></c><c r="B2" t="s"><v>0</v></c></row>'],
                    strings=[huge_string(size)])
    assert len(data) < 200_000  # highly compressible: a small upload that unpacks to 95 MB
    tracemalloc.start()
    try:
        table = open_table(data, limits=LIMITS)
        read = [cells for _, cells in table.rows()]
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert read[1] == ["93C", Oversized(size)]
    assert peak < 20 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB"  # openpyxl needed about 510 MB for this file


def test_an_850k_row_xlsx_is_refused_by_its_declared_size_at_once():
    def rows():
        for n in range(1, 850_001):
            yield f'<row r="{n}"><c r="A{n}"><v>{n}</v></c></row>'

    data = workbook(rows(), dimension="A1:T850000")
    started = time.perf_counter()
    with pytest.raises(ImportRefused, match=r"has 850,000 rows, more than the 200,000 an import takes"):
        open_table(data, limits=LIMITS)
    assert time.perf_counter() - started < 2.0


def test_an_xlsx_without_a_declared_size_stops_reading_at_the_row_limit():
    def rows():
        for n in range(1, 850_001):
            yield f'<row r="{n}"><c r="A{n}"><v>{n}</v></c></row>'

    data = workbook(rows())
    limits = Limits(max_bytes=LIMITS.max_bytes, max_rows=20_000, max_unpacked_bytes=LIMITS.max_unpacked_bytes)
    started = time.perf_counter()
    with pytest.raises(ImportRefused, match="more than 20,000 rows"):
        open_table(data, limits=limits)
    assert time.perf_counter() - started < 5.0  # reading all 850,000 rows takes many times this


def test_xlsx_cell_types_dates_rich_text_and_the_1904_epoch():
    data = workbook(['<row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1" t="b"><v>1</v></c>'
                     '<c r="D1" s="1"><v>44503</v></c><c r="E1"><v>3.5</v></c><c r="F1" t="e"><v>#N/A</v></c></row>'],
                    strings=[["Neglect ", "and acts of omission"]], styles=True, date1904=True)
    assert [cells for _, cells in open_table(data, limits=LIMITS).rows()] == [
        ["Neglect and acts of omission", None, True, datetime(2025, 11, 4), 3.5, "#N/A"]]


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_is_read(codec):
    data = "CCG,Brief overview\r\n93C,The family\u2019s £2,000 arrears\r\n".encode(codec)
    table = open_table(data, limits=LIMITS)
    assert table.encoding == "UTF-16 (no byte order mark)"
    assert [c for _, c in table.rows()] == [["CCG", "Brief overview"], ["93C", "The family\u2019s £2", "000 arrears"]]


def test_a_cut_short_utf16_file_is_named():
    data = "CCG,Brief overview\r\n93C,x\r\n".encode("utf-16-le")[:-1]
    with pytest.raises(ImportRefused, match="UTF-16 text without a byte order mark, but it is cut short"):
        open_table(data, limits=LIMITS)


def test_max_cell_chars_is_excels():
    assert MAX_CELL_CHARS == 32_767
