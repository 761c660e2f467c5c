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
        """Working days after `start` up to and including `end` (negative when end is before start)."""
        if end == start:
            return 0
        sign = 1 if end > start else -1
        lo, hi = (start, end) if sign > 0 else (end, start)
        count = 0
        day = lo
        while day < hi:
            day += timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return sign * count


@lru_cache(maxsize=1)
def working_days() -> WorkingDayCalendar:
    """The shared calendar."""
    return WorkingDayCalendar()
