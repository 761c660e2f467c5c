"""The report period chooser: a kind of period (quarter, financial year, month) and the pickers for it, instead of
one long drop-down. Plain GET fields, so it works without JavaScript; the chosen period's code
(app/reports/periods.py: 2026-Q2, FY2026, 2026-11) is what the report runs on."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from app.reports.periods import MONTH, QUARTER, YEAR, Period, fy_label, fy_start_year, parse_period

QUARTER_MONTHS = {1: "April to June", 2: "July to September", 3: "October to December", 4: "January to March"}
MONTH_NAMES = [date(2000, m, 1).strftime("%B") for m in range(1, 13)]
KIND_LABELS = {QUARTER: "Financial-year quarter", YEAR: "Financial year", MONTH: "Month"}


@dataclass(frozen=True)
class PeriodPicker:
    """What the chooser offers and which values are chosen."""

    kind: str
    financial_years: list[tuple[int, str]]  # (start year, "2026/27"), newest first
    calendar_years: list[int]
    fy: int
    quarter: int
    year: int
    month: int
    kinds: dict[str, str]
    quarters: dict[int, str]
    months: list[str]


def period_code(args: Mapping[str, str]) -> str | None:
    """The period code the pickers ask for (None when they are not in the request)."""
    kind = args.get("period_kind")
    try:
        if kind == QUARTER:
            return f"{int(args.get('quarter_fy', ''))}-Q{int(args.get('quarter', ''))}"
        if kind == YEAR:
            return f"FY{int(args.get('year_fy', ''))}"
        if kind == MONTH:
            return f"{int(args.get('month_year', ''))}-{int(args.get('month', '')):02d}"
    except ValueError:
        return "not-a-period"  # parse_period refuses it with the help text
    return None


def period_picker(today: date, chosen: str | None, *, since: date) -> PeriodPicker:
    """The chooser for a report page, set to the chosen period (a code) when it is one."""
    try:
        period: Period | None = parse_period(chosen)
    except ValueError:
        period = None
    last_fy, first_fy = fy_start_year(today), fy_start_year(since)
    kind = period.kind if period else QUARTER
    start = period.start if period else today
    return PeriodPicker(
        kind=kind,
        financial_years=[(y, fy_label(y)) for y in range(last_fy, first_fy - 1, -1)],
        calendar_years=list(range(today.year, since.year - 1, -1)),
        fy=fy_start_year(start),
        quarter=(start.month - 4) % 12 // 3 + 1,
        year=start.year,
        month=start.month,
        kinds=KIND_LABELS,
        quarters=QUARTER_MONTHS,
        months=MONTH_NAMES,
    )
