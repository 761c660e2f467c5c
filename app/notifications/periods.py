"""Digest periods: the ISO week, the calendar month and the NHS financial-year quarter (Q1 = April to June)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from app.reports import periods as reports

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


def _digest_period(kind: str, period: reports.Period) -> Period:
    return Period(kind, period.code, period.label, period.start, period.end)


def month_of(day: date) -> Period:
    """The calendar month containing a day (the reports' definition and code, e.g. 2026-10)."""
    return _digest_period("monthly", reports.period_of(reports.MONTH, day))


def quarter_of(day: date) -> Period:
    """The NHS financial-year quarter containing a day (the reports' definition and code, e.g. 2026-Q2)."""
    return _digest_period("quarterly", reports.period_of(reports.QUARTER, day))


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
    """Read a period code: weekly 2026-W48, monthly 2026-10, quarterly 2026-Q2 (as on the reports page)."""
    text = (text or "").strip().upper()
    try:
        if kind == "weekly" and (m := re.fullmatch(r"(\d{4})-W(\d{2})", text)):
            return week_of(date.fromisocalendar(int(m[1]), int(m[2]), 1))
        wanted = {"monthly": reports.MONTH, "quarterly": reports.QUARTER}.get(kind)
        if wanted:
            period = reports.parse_period(text)
            if period.kind == wanted:
                return _digest_period(kind, period)
    except ValueError:
        pass
    forms = {"weekly": "2026-W48", "monthly": "2026-10",
             "quarterly": "2026-Q2 (the financial year starting April 2026; Q1 = Apr-Jun)"}
    raise BadPeriod(f"{text or '(blank)'} is not a {kind} period: write it like {forms.get(kind, '?')}")
