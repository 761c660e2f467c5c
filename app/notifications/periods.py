"""Digest periods: the ISO week, the calendar month and the NHS financial-year quarter (Q1 = April to June)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

KINDS = ("weekly", "monthly", "quarterly")


class BadPeriod(ValueError):
    """A period that cannot be read (the message says the expected form)."""


@dataclass(frozen=True)
class Period:
    """A reporting period: kind, code (used in dedup keys and file names), label, first and last day."""

    kind: str
    code: str
    label: str
    start: date
    end: date


def week_of(day: date) -> Period:
    """The ISO week (Monday to Sunday) containing a day."""
    monday = day - timedelta(days=day.weekday())
    year, week, _ = monday.isocalendar()
    return Period("weekly", f"{year}-W{week:02d}", f"week beginning {monday.day} {monday:%B %Y}", monday,
                  monday + timedelta(days=6))


def month_of(day: date) -> Period:
    """The calendar month containing a day."""
    start = day.replace(day=1)
    return Period("monthly", f"{start:%Y-%m}", f"{start:%B %Y}", start,
                  start + relativedelta(months=1) - timedelta(days=1))


def quarter_of(day: date) -> Period:
    """The NHS financial-year quarter containing a day (the year runs April to March)."""
    fy = day.year if day.month >= 4 else day.year - 1
    q = (day.month - 4) % 12 // 3 + 1
    start = date(fy, 4, 1) + relativedelta(months=3 * (q - 1))
    end = start + relativedelta(months=3) - timedelta(days=1)
    label = f"{fy}/{str(fy + 1)[2:]} Q{q} ({start:%B} to {end:%B %Y})"
    return Period("quarterly", f"{fy}-{str(fy + 1)[2:]}-Q{q}", label, start, end)


def due_period(kind: str, today: date) -> Period:
    """The period a digest sent today reports on: this week; the last complete month or quarter."""
    if kind == "weekly":
        return week_of(today)
    if kind == "monthly":
        return month_of(today.replace(day=1) - timedelta(days=1))
    if kind == "quarterly":
        return quarter_of(quarter_of(today).start - timedelta(days=1))
    raise BadPeriod(f"unknown digest kind {kind!r} (kinds: {', '.join(KINDS)})")


def parse_period(kind: str, text: str) -> Period:
    """Read a period code: weekly 2026-W48, monthly 2026-10, quarterly 2026-27-Q2."""
    text = (text or "").strip().upper()
    try:
        if kind == "weekly" and (m := re.fullmatch(r"(\d{4})-W(\d{2})", text)):
            return week_of(date.fromisocalendar(int(m[1]), int(m[2]), 1))
        if kind == "monthly" and (m := re.fullmatch(r"(\d{4})-(\d{2})", text)):
            return month_of(date(int(m[1]), int(m[2]), 1))
        if kind == "quarterly" and (m := re.fullmatch(r"(\d{4})-(\d{2})-Q([1-4])", text)):
            if (int(m[1]) + 1) % 100 != int(m[2]):
                raise ValueError
            return quarter_of(date(int(m[1]), 4, 1) + relativedelta(months=3 * (int(m[3]) - 1)))
    except ValueError:
        pass
    forms = {"weekly": "2026-W48", "monthly": "2026-10", "quarterly": "2026-27-Q2 (NHS financial year, Q1 = Apr-Jun)"}
    raise BadPeriod(f"{text or '(blank)'} is not a {kind} period: write it like {forms.get(kind, '?')}")
