"""A report is a list of tables; each table has a key, a title, headers and rows of plain values."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from app.reports.request import ReportRequest


@dataclass
class ReportTable:
    """One table of a report (or of the dashboard): the same values go to the page, CSV, XLSX and CLI."""

    key: str
    title: str
    headers: list[str]
    rows: list[list[Any]]
    note: str = ""
    truncated: bool = False  # the page shows the first rows only; the downloads hold them all

    def column(self, header: str) -> list[Any]:
        """The values of one column."""
        index = self.headers.index(header)
        return [row[index] for row in self.rows]

    def row(self, first_cell: Any) -> list[Any]:
        """The row whose first cell is `first_cell` (KeyError when none)."""
        for row in self.rows:
            if row[0] == first_cell:
                return row
        raise KeyError(first_cell)

    def value(self, first_cell: Any, header: str) -> Any:
        """One cell, by its row's first cell and its column header."""
        return self.row(first_cell)[self.headers.index(header)]


@dataclass
class Report:
    """A period report: the request it answers and its tables, in order."""

    request: ReportRequest
    generated_at: datetime
    tables: dict[str, ReportTable] = field(default_factory=dict)

    def add(self, table: ReportTable) -> None:
        """Append a table."""
        self.tables[table.key] = table

    def __getitem__(self, key: str) -> ReportTable:
        return self.tables[key]


def _day(d: date) -> str:
    return f"{d.day} {d:%B %Y}"


def preamble(request: ReportRequest, generated_at: datetime, *, by: str | None = None) -> list[tuple[str, str]]:
    """What every file and page states about a report: period, scope, geography, reference days."""
    period = request.period
    status = " (period in progress: figures so far)" if request.in_progress else ""
    lines = [
        ("Period", f"{period.description}{status}"),
        ("Scope", request.scope.label),
        ("Geography", f"{request.geography.label}: {request.geography.explanation}"),
        ("Open at start", f"open at the end of {_day(period.day_before)}"),
        ("Open at end / overdue at", f"the end of {_day(request.as_of)}"),
        ("Limited to", f"reviews within {request.user_scope.label} (the requester's scope, current hierarchy)"),
        ("Generated", f"{generated_at:%Y-%m-%d %H:%M} UTC" + (f" by {by}" if by else "")),
    ]
    return lines
