"""Working days in England and Wales, with bank holidays from the maintained `holidays` library."""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays


class WorkingDayCalendar:
    """Monday to Friday, excluding England and Wales bank holidays."""

    def __init__(self) -> None:
        # England and Wales share their bank holidays; the library's "ENG" subdivision holds them.
        self._holidays = holidays.country_holidays("GB", subdiv="ENG")
        self._by_year: dict[int, list[date]] = {}

    def is_working_day(self, day: date) -> bool:
        """Whether a day is a working day."""
        return day.weekday() < 5 and day not in self._holidays

    def holiday_name(self, day: date) -> str | None:
        """The bank holiday on a day, if any."""
        return self._holidays.get(day)

    def add_working_days(self, start: date, count: int) -> date:
        """The date `count` working days after `start` (start itself not counted; count may be negative)."""
        step = 1 if count >= 0 else -1
        remaining = abs(count)
        day = start
        while remaining:
            day += timedelta(days=step)
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end` (negative when end is before start).

        Counted, not walked: weekdays by arithmetic on day numbers, minus the weekday bank holidays in the span
        (a clock on a review added years ago costs the same as one added yesterday)."""
        if end == start:
            return 0
        sign = 1 if end > start else -1
        lo, hi = (start, end) if sign > 0 else (end, start)
        weekdays = _weekdays_up_to(hi) - _weekdays_up_to(lo)
        holidays_in_span = sum(1 for year in range(lo.year, hi.year + 1) for day in self._weekday_holidays(year)
                               if lo < day <= hi)
        return sign * (weekdays - holidays_in_span)

    def _weekday_holidays(self, year: int) -> list[date]:
        """The bank holidays of a year that fall on a weekday (substitute days included)."""
        cached = self._by_year.get(year)
        if cached is None:
            _ = date(year, 1, 1) in self._holidays  # the library fills a year on its first look-up in it
            cached = sorted(d for d in self._holidays if d.year == year and d.weekday() < 5)
            self._by_year[year] = cached
        return cached


def _weekdays_up_to(day: date) -> int:
    """Monday-to-Friday days from 1 January of year 1 (a Monday) up to and including `day`."""
    n = day.toordinal()
    return (n // 7) * 5 + min(n % 7, 5)


@lru_cache(maxsize=1)
def working_days() -> WorkingDayCalendar:
    """The shared calendar."""
    return WorkingDayCalendar()
