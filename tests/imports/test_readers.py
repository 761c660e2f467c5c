"""Reading files: encodings, delimiters, XLSX sheets and cells; clear refusals for anything that is not a sheet."""

import io
import zipfile
from datetime import datetime

import pytest
from openpyxl import Workbook

from app.imports.readers import ImportRefused, Limits, open_table
from app.imports.xlsx import Formula

LIMITS = Limits(max_bytes=1024 * 1024, max_rows=100, max_unpacked_bytes=5 * 1024 * 1024)


def rows(table):
    return [(n, cells) for n, cells in table.rows() if cells]


def xlsx(sheets: dict[str, list[list]]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, data in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in data:
            sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@pytest.mark.parametrize(("data", "encoding"), [
    ("CCG,Overview\n93C,\"The family\u2019s £2,000 debt\"\n".encode(), "UTF-8"),
    (b"\xef\xbb\xbf" + "CCG,Overview\n93C,\"The family\u2019s £2,000 debt\"\n".encode(), "UTF-8 with BOM"),
    ("CCG,Overview\n93C,\"The family\u2019s £2,000 debt\"\n".encode("cp1252"), "Windows-1252"),
    ("CCG\tOverview\n93C\tThe family\u2019s £2,000 debt\n".encode("utf-16"), "UTF-16"),
])
def test_csv_encodings(data, encoding):
    table = open_table(data, limits=LIMITS)
    assert (table.format, table.encoding) == ("csv", encoding)
    assert rows(table) == [(1, ["CCG", "Overview"]), (2, ["93C", "The family\u2019s £2,000 debt"])]


def test_semicolon_and_tab_delimiters_and_quoted_line_breaks():
    table = open_table(b'CCG;Overview\n93C;"two\nlines; one cell"\n52R;x\n', limits=LIMITS)
    assert rows(table) == [(1, ["CCG", "Overview"]), (2, ["93C", "two\nlines; one cell"]), (3, ["52R", "x"])]


def test_xlsx_cells_keep_their_types_and_row_numbers():
    data = xlsx({"Reviews": [["CCG", "Date added", "Serial"], [], ["93C", datetime(2021, 11, 3), 44503]]})
    table = open_table(data, limits=LIMITS)
    assert (table.format, table.sheet_name, table.row_count) == ("xlsx", "Reviews", 2)
    assert rows(table) == [(1, ["CCG", "Date added", "Serial"]), (3, ["93C", datetime(2021, 11, 3), 44503])]


def test_the_sheet_can_be_named_and_a_missing_sheet_is_refused_with_the_list():
    data = xlsx({"Notes": [["read me"]], "Tracker 2022": [["CCG", "Local ref"], ["93C", "A-1"]]})
    assert open_table(data, limits=LIMITS).sheet_name == "Notes"
    assert open_table(data, limits=LIMITS, sheet=" tracker 2022 ").sheet_name == "Tracker 2022"
    with pytest.raises(ImportRefused, match=r"no sheet named 'Tracker 2023'\. Its sheets are: 'Notes', 'Tracker 2022'"):
        open_table(data, limits=LIMITS, sheet="Tracker 2023")


def test_an_empty_first_sheet_asks_for_the_sheet_name():
    data = xlsx({"Cover": [], "Data": [["CCG"]]})
    with pytest.raises(ImportRefused, match=r"first sheet 'Cover' is empty\. Name the sheet to import"):
        open_table(data, limits=LIMITS)


def test_formula_cells_are_marked_and_formula_like_csv_text_is_text():
    data = xlsx({"Reviews": [["CCG", "Local ref", "Total"], ["93C", "A-1", "=1+1"], ["93C", "A-2", "=SUM(C2)"]]})
    assert rows(open_table(data, limits=LIMITS))[1:] == [(2, ["93C", "A-1", Formula("=1+1")]),
                                                         (3, ["93C", "A-2", Formula("=SUM(C2)")])]
    table = open_table(b"CCG,Overview\n93C,=HYPERLINK(\"http://x\")\n", limits=LIMITS)
    assert rows(table)[1] == (2, ["93C", '=HYPERLINK("http://x")'])  # in a CSV it is text; its row decides


@pytest.mark.parametrize(("data", "message"), [
    (b"", "The file is empty."),
    (b"  \n\n ", "The file is empty."),
    (b",,,\n,,\n", "no rows with any value"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, r"old Excel 97-2003 format \(.xls\)"),
    (b"%PDF-1.7\n...", "a PDF document, not a spreadsheet"),
    (b"\x89PNG\r\n\x1a\n....", "a PNG image"),
    (b"CCG,x\n93C,\x00\x01\x02\n", "binary data"),
    (b"\x81\x8d\x8f\x90\x9d" * 10, "neither an XLSX workbook nor CSV text"),
    (b"PK\x03\x04garbage", "damaged"),
])
def test_files_that_are_not_spreadsheets_are_refused(data, message):
    with pytest.raises(ImportRefused, match=message):
        open_table(data, limits=LIMITS)


def test_other_zip_files_are_named():
    def archive(names):
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as z:
            for n in names:
                z.writestr(n, "x")
        return out.getvalue()

    with pytest.raises(ImportRefused, match=r"OpenDocument spreadsheet \(.ods\)"):
        open_table(archive(["mimetype", "content.xml"]), limits=LIMITS)
    with pytest.raises(ImportRefused, match="Word document"):
        open_table(archive(["word/document.xml"]), limits=LIMITS)
    with pytest.raises(ImportRefused, match="ZIP archive, not an XLSX"):
        open_table(archive(["a.txt"]), limits=LIMITS)


def test_size_limits():
    with pytest.raises(ImportRefused, match="larger than the 1 MB limit"):
        open_table(b"CCG\n" + b"93C\n" * 300_000, limits=LIMITS)
    with pytest.raises(ImportRefused, match="more than 100 rows"):
        open_table(b"CCG\n" + b"93C\n" * 101, limits=LIMITS)
    assert open_table(b"CCG\n" + b"93C\n" * 100, limits=LIMITS).row_count == 101
    big = xlsx({"Reviews": [["CCG", "Overview"]] + [["93C", "x" * 1000] for _ in range(60)]})
    with pytest.raises(ImportRefused, match="unpacks to more than"):
        open_table(big, limits=Limits(max_bytes=1024 * 1024, max_rows=100, max_unpacked_bytes=50_000))


def test_too_many_columns():
    with pytest.raises(ImportRefused, match="more than 300 columns"):
        open_table(("CCG," * 400 + "\n").encode(), limits=LIMITS)
