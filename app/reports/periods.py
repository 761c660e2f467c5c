"""Reporting periods: a calendar month, an NHS financial-year quarter (Q1 = April to June), a financial year.

Codes: ``2021-11`` (November 2021), ``2021-Q3`` (the third quarter of financial year 2021/22: October to
December 2021), ``FY2021`` (1 April 2021 to 31 March 2022). A financial year is named by the calendar year
it starts in, as are its quarters: ``2021-Q4`` is January to March 2022.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

MONTH, QUARTER, YEAR = "month", "quarter", "year"
KINDS = (MONTH, QUARTER, YEAR)
KIND_LABELS = {MONTH: "Calendar month", QUARTER: "Financial-year quarter", YEAR: "Financial year"}
FIRST_YEAR, LAST_YEAR = 2000, 2099
FY_START_MONTH = 4  # the NHS financial year starts on 1 April
QUARTER_MONTHS = {1: "April to June", 2: "July to September", 3: "October to December", 4: "January to March"}

_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER = re.compile(r"^(\d{4})-Q(\d)$")
_YEAR = re.compile(r"^FY(\d{4})(?:/(\d{2}))?$")
HELP = ("use a month (2021-11), an NHS financial-year quarter (2021-Q3; Q1 is April to June, so 2021-Q3 is "
        "October to December 2021) or a financial year (FY2021 = 1 April 2021 to 31 March 2022)")


class PeriodError(ValueError):
    """The text is not a period, or the period cannot be reported on; the message says why."""


def _day(d: date) -> str:
    return f"{d.day} {d:%B %Y}"


def fy_label(start_year: int) -> str:
    """'2021/22' for the financial year starting in April 2021."""
    return f"{start_year}/{(start_year + 1) % 100:02d}"


@dataclass(frozen=True)
class Period:
    """A reporting period: its kind, first and last day (inclusive), code and label."""

    kind: str
    start: date
    end: date
    code: str
    label: str

    @property
    def description(self) -> str:
        """The label with its dates: 'Q3 2021/22: 1 October 2021 to 31 December 2021'."""
        return f"{self.label}: {_day(self.start)} to {_day(self.end)}"

    @property
    def day_before(self) -> date:
        """The last day before the period ('open at start' is open at the end of this day)."""
        return self.start - timedelta(days=1)

    def contains(self, day: date) -> bool:
        """Whether a day falls in the period."""
        return self.start <= day <= self.end

    def is_current(self, today: date) -> bool:
        """Whether the period is under way on `today`."""
        return self.contains(today)

    def as_of(self, today: date) -> date:
        """The day the period's 'at end' figures are taken: its last day, or today while it is under way."""
        return min(self.end, today)

    def previous(self) -> Period:
        """The period of the same kind just before this one."""
        return period_of(self.kind, self.day_before)

    def next(self) -> Period:
        """The period of the same kind just after this one."""
        return period_of(self.kind, self.end + timedelta(days=1))


def _year_ok(year: int, text: str) -> int:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise PeriodError(f"{text}: the year must be between {FIRST_YEAR} and {LAST_YEAR}")
    return year


def month(year: int, number: int) -> Period:
    """The calendar month `number` (1-12) of `year`."""
    start = date(year, number, 1)
    end = start + relativedelta(months=1) - timedelta(days=1)
    return Period(MONTH, start, end, f"{year}-{number:02d}", f"{start:%B %Y}")


def quarter(fy_start_year: int, number: int) -> Period:
    """Quarter `number` (1-4) of the financial year starting in April of `fy_start_year`."""
    start = date(fy_start_year, FY_START_MONTH, 1) + relativedelta(months=3 * (number - 1))
    end = start + relativedelta(months=3) - timedelta(days=1)
    return Period(QUARTER, start, end, f"{fy_start_year}-Q{number}", f"Q{number} {fy_label(fy_start_year)}")


def financial_year(start_year: int) -> Period:
    """The NHS financial year from 1 April of `start_year` to 31 March of the next year."""
    start = date(start_year, FY_START_MONTH, 1)
    end = date(start_year + 1, FY_START_MONTH, 1) - timedelta(days=1)
    return Period(YEAR, start, end, f"FY{start_year}", f"Financial year {fy_label(start_year)}")


def fy_start_year(day: date) -> int:
    """The calendar year the financial year containing `day` starts in."""
    return day.year if day.month >= FY_START_MONTH else day.year - 1


def period_of(kind: str, day: date) -> Period:
    """The period of a kind that contains a day."""
    if kind == MONTH:
        return month(day.year, day.month)
    fy = fy_start_year(day)
    if kind == QUARTER:
        return quarter(fy, (day.month - FY_START_MONTH) % 12 // 3 + 1)
    if kind == YEAR:
        return financial_year(fy)
    raise PeriodError(f"{kind!r} is not a kind of period (use {', '.join(KINDS)})")


def parse_period(text: str | None) -> Period:
    """The period named by a code (2021-11, 2021-Q3, FY2021); PeriodError with a clear message otherwise."""
    raw = (text or "").strip()
    code = raw.upper().replace(" ", "")
    if not code:
        raise PeriodError(f"no period given: {HELP}")
    if match := _MONTH.match(code):
        year, number = _year_ok(int(match[1]), raw), int(match[2])
        if not 1 <= number <= 12:
            raise PeriodError(f"{raw} is not a month: months run from 01 to 12")
        return month(year, number)
    if match := _QUARTER.match(code):
        year, number = _year_ok(int(match[1]), raw), int(match[2])
        if not 1 <= number <= 4:
            raise PeriodError(f"{raw} is not a quarter: NHS financial-year quarters run from Q1 (April to June) "
                              "to Q4 (January to March)")
        return quarter(year, number)
    if match := _YEAR.match(code):
        year = _year_ok(int(match[1]), raw)
        if match[2] is not None and int(match[2]) != (year + 1) % 100:
            raise PeriodError(f"{raw} is not a financial year: write FY{year} (or FY{fy_label(year)})")
        return financial_year(year)
    raise PeriodError(f"{raw!r} is not a period: {HELP}")


def require_started(period: Period, today: date) -> Period:
    """The period itself, or PeriodError when it starts after `today` (nothing can be reported yet)."""
    if period.start > today:
        raise PeriodError(f"{period.label} has not started yet (it starts on {_day(period.start)})")
    return period


def last_complete(kind: str, today: date) -> Period:
    """The most recent period of a kind that has ended before `today`."""
    return period_of(kind, today).previous()


def recent_periods(kind: str, today: date, *, back_to: date) -> list[Period]:
    """Periods of a kind from the one containing `today` back to the one containing `back_to`, newest first."""
    out: list[Period] = []
    period = period_of(kind, today)
    while period.end >= back_to:
        out.append(period)
        period = period.previous()
    return out


def month_ends(as_of: date, count: int) -> list[date]:
    """The last `count` month-end days up to `as_of`, oldest first; the newest is `as_of` itself."""
    ends = [as_of]
    day = date(as_of.year, as_of.month, 1) - timedelta(days=1)
    while len(ends) < count:
        ends.append(day)
        day = date(day.year, day.month, 1) - timedelta(days=1)
    return list(reversed(ends))
