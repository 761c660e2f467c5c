"""Fuzzing the parser: random bytes, random CSV text and random cell values never raise; a report or a refusal."""

import csv
import io
from datetime import date, datetime

from flask import current_app
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from app.imports.headers import TARGETS
from app.imports.readers import ImportRefused, Limits, open_table
from app.imports.service import import_reviews, limits_from
from app.imports.values import (
    CellError,
    clean_text,
    parse_bool,
    parse_date,
    parse_outcome,
    parse_publication_status,
    parse_review_type,
)
from tests.imports.helpers import actor
from tests.support.reviews import NOW

LIMITS = Limits(max_bytes=1024 * 1024, max_rows=500, max_unpacked_bytes=10 * 1024 * 1024)
HEADERS = [names[0] for names in TARGETS.values()] + ["CCG", "ccg_code", "Type of Review", "Colour", "", "Notes"]
FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                       HealthCheck.too_slow])
cell_values = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-10**12, max_value=10**12),
    st.floats(allow_nan=False, allow_infinity=False, width=32), st.text(max_size=40),
    st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)),
    st.sampled_from(["93C", "00C", "52r ", "SAR", "RR", "Converted", "03/11/2021", "44503", "Y", "=1+1", "'=1+1",
                     "CA_NEGLECT", "Neglect", "2021/12345", "No further review", "\u2019\u00a3", "\x00", "\r\n"]),
)


def _check(report) -> None:
    assert report.refused is None or isinstance(report.refused, str)
    for problem in report.problems:
        assert problem.row >= 1 and isinstance(problem.message, str) and problem.message


def _import(session, data: bytes, *, sheet=None):
    try:
        report = import_reviews(session, data=data, filename="fuzz", actor=actor(session, "national"), now=NOW,
                                commit=False, limits=limits_from(current_app.config), sheet=sheet)
    finally:
        session.rollback()
    _check(report)
    return report


@given(st.binary(max_size=3000))
@settings(max_examples=300, deadline=None)
def test_random_bytes_are_read_or_refused(data):
    for prefix in (b"", b"PK\x03\x04", b"\xef\xbb\xbf", b"\xff\xfe"):
        try:
            table = open_table(prefix + data, limits=LIMITS)
        except ImportRefused as exc:
            assert str(exc)
            continue
        for _number, cells in table.rows():
            assert isinstance(cells, list)


@given(st.lists(st.lists(st.text(max_size=30), max_size=8), max_size=15), st.lists(st.sampled_from(HEADERS),
                                                                                    min_size=1, max_size=8))
@FUZZ
def test_random_csv_text_gives_a_report_or_a_refusal(session, rows, header):
    buffer = io.StringIO()
    csv.writer(buffer).writerows([header, *rows])
    for encoding in ("utf-8", "utf-16"):
        _import(session, buffer.getvalue().encode(encoding, errors="surrogatepass"))


@given(st.lists(st.lists(cell_values, max_size=10), min_size=1, max_size=12), st.lists(st.sampled_from(HEADERS),
                                                                                         min_size=2, max_size=10))
@FUZZ
def test_random_cell_values_in_a_workbook_give_a_report_or_a_refusal(session, rows, header):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        cleaned = []
        for value in row:
            if isinstance(value, str):
                value = "".join(ch for ch in value if ch.isprintable() or ch in "\t\n")
            cleaned.append(value)
        sheet.append(cleaned)
    out = io.BytesIO()
    workbook.save(out)
    report = _import(session, out.getvalue())
    assert report.refused or report.format == "xlsx"
    _import(session, out.getvalue(), sheet="No such sheet")


@given(cell_values)
@settings(max_examples=400, deadline=None)
def test_value_parsers_return_a_value_or_a_cell_error(value):
    for parse in (parse_date, parse_bool, parse_review_type, parse_outcome, parse_publication_status):
        try:
            parse(value)
        except CellError as exc:
            assert str(exc)
    text = clean_text(value)
    assert text is None or (text == text.strip() and "\x00" not in text)


@given(st.datetimes(min_value=datetime(1950, 1, 1), max_value=datetime(2099, 12, 31)))
@settings(max_examples=200, deadline=None)
def test_every_written_uk_date_reads_back_as_the_same_day(moment):
    day = moment.date()
    for text in (day.strftime("%d/%m/%Y"), f"{day.day}/{day.month}/{day.year}", day.strftime("%d %b %Y"),
                 day.strftime("%d-%b-%Y"), day.isoformat(), day.strftime("%d %B %Y"), moment.isoformat(sep=" ")):
        assert parse_date(text) == day, text
    assert parse_date(moment) == day
