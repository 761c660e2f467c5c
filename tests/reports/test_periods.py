"""Reporting periods: codes, NHS financial-year quarters, boundaries, clear errors."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.reports.periods import (
    MONTH,
    QUARTER,
    YEAR,
    PeriodError,
    last_complete,
    month_ends,
    parse_period,
    period_of,
    recent_periods,
    require_started,
)


@pytest.mark.parametrize(("code", "start", "end", "label"), [
    ("2021-11", date(2021, 11, 1), date(2021, 11, 30), "November 2021"),
    ("2024-02", date(2024, 2, 1), date(2024, 2, 29), "February 2024"),
    ("2021-Q1", date(2021, 4, 1), date(2021, 6, 30), "Q1 2021/22"),
    ("2021-Q2", date(2021, 7, 1), date(2021, 9, 30), "Q2 2021/22"),
    ("2021-Q3", date(2021, 10, 1), date(2021, 12, 31), "Q3 2021/22"),
    ("2021-Q4", date(2022, 1, 1), date(2022, 3, 31), "Q4 2021/22"),
    ("FY2021", date(2021, 4, 1), date(2022, 3, 31), "Financial year 2021/22"),
    ("FY2099", date(2099, 4, 1), date(2100, 3, 31), "Financial year 2099/00"),
])
def test_codes(code, start, end, label):
    period = parse_period(code)
    assert (period.start, period.end, period.label, period.code) == (start, end, label, code)


def test_lenient_spelling_is_accepted():
    assert parse_period(" 2021-q3 ").code == "2021-Q3"
    assert parse_period("fy2021").code == "FY2021"
    assert parse_period("FY2021/22").code == "FY2021"
    assert parse_period("2021-1").code == "2021-01"


def test_description_names_the_dates():
    assert parse_period("2021-Q3").description == "Q3 2021/22: 1 October 2021 to 31 December 2021"
    assert parse_period("FY2021").day_before == date(2021, 3, 31)


@pytest.mark.parametrize(("text", "message"), [
    ("", "no period given"),
    ("2021-13", "2021-13 is not a month: months run from 01 to 12"),
    ("2021-00", "not a month"),
    ("2021-Q5", "Q1 (April to June) to Q4 (January to March)"),
    ("2021-Q0", "not a quarter"),
    ("FY2021/23", "write FY2021 (or FY2021/22)"),
    ("FY21", "is not a period"),
    ("Q3 2021", "is not a period"),
    ("1999-04", "the year must be between 2000 and 2099"),
    ("2021/11/01", "is not a period: use a month (2021-11)"),
])
def test_bad_input_gets_a_clear_message(text, message):
    with pytest.raises(PeriodError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_period(text)


def test_a_period_that_has_not_started_is_refused():
    with pytest.raises(PeriodError, match=r"Q4 2026/27 has not started yet \(it starts on 1 January 2027\)"):
        require_started(parse_period("2026-Q4"), date(2026, 11, 25))
    assert require_started(parse_period("2026-Q3"), date(2026, 11, 25)).code == "2026-Q3"


def test_period_containing_a_day_and_neighbours():
    assert period_of(QUARTER, date(2022, 3, 31)).code == "2021-Q4"
    assert period_of(QUARTER, date(2022, 4, 1)).code == "2022-Q1"
    assert period_of(YEAR, date(2022, 3, 31)).code == "FY2021"
    assert period_of(YEAR, date(2022, 4, 1)).code == "FY2022"
    assert parse_period("2022-Q1").previous().code == "2021-Q4"
    assert parse_period("2021-Q4").next().code == "2022-Q1"
    assert parse_period("2021-12").next().code == "2022-01"
    assert last_complete(QUARTER, date(2026, 11, 25)).code == "2026-Q2"
    assert last_complete(YEAR, date(2026, 11, 25)).code == "FY2025"


def test_in_progress_and_as_of():
    november = parse_period("2026-11")
    assert november.is_current(date(2026, 11, 25)) and november.as_of(date(2026, 11, 25)) == date(2026, 11, 25)
    assert not parse_period("2026-10").is_current(date(2026, 11, 25))
    assert parse_period("2026-10").as_of(date(2026, 11, 25)) == date(2026, 10, 31)


def test_recent_periods_and_month_ends():
    quarters = recent_periods(QUARTER, date(2022, 5, 10), back_to=date(2021, 4, 1))
    assert [p.code for p in quarters] == ["2022-Q1", "2021-Q4", "2021-Q3", "2021-Q2", "2021-Q1"]
    assert month_ends(date(2021, 12, 31), 3) == [date(2021, 10, 31), date(2021, 11, 30), date(2021, 12, 31)]
    assert month_ends(date(2026, 11, 25), 2) == [date(2026, 10, 31), date(2026, 11, 25)]


@given(st.dates(min_value=date(2000, 4, 1), max_value=date(2098, 12, 31)))
def test_every_day_lies_in_exactly_one_period_of_each_kind(day):
    for kind in (MONTH, QUARTER, YEAR):
        period = period_of(kind, day)
        assert period.start <= day <= period.end
        assert parse_period(period.code) == period
        assert period.previous().end == period.start - timedelta(days=1)
    year = period_of(YEAR, day)
    quarters = [parse_period(f"{year.code[2:]}-Q{n}") for n in (1, 2, 3, 4)]
    assert quarters[0].start == year.start and quarters[-1].end == year.end
    assert all(a.end + timedelta(days=1) == b.start for a, b in itertools.pairwise(quarters))
    assert period_of(QUARTER, day) in quarters
