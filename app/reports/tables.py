"""A report is a list of tables; each table has a key, a title, headers and rows of plain values."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from app.reports.request import ReportRequest
from app.timezone import london_time


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


def plain(value: Any) -> Any:
    """JSON for a value a table holds: a date keeps its type ({"__date__": "2022-12-31"})."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return {"__date__": value.isoformat()}
    raise TypeError(f"a table cell cannot be {type(value).__name__}")


def typed(obj: dict) -> Any:
    """The inverse of plain(), as a json object hook."""
    return date.fromisoformat(obj["__date__"]) if set(obj) == {"__date__"} else obj


def table_data(table: ReportTable) -> dict[str, Any]:
    """A table as plain data (for storing it)."""
    return {"key": table.key, "title": table.title, "headers": table.headers, "rows": table.rows, "note": table.note}


def tables_json(tables: list[ReportTable], extra: dict[str, Any] | None = None) -> str:
    """Tables (and anything else plain) as JSON text, dates kept."""
    return json.dumps({**(extra or {}), "tables": [table_data(t) for t in tables]}, default=plain, sort_keys=True)


def tables_from_json(text: str) -> tuple[list[ReportTable], dict[str, Any]]:
    """The tables stored by tables_json, and the other values stored with them."""
    data = json.loads(text, object_hook=typed)
    return [ReportTable(**t) for t in data.pop("tables")], data


def _day(d: date) -> str:
    return f"{d.day} {d:%B %Y}"


def as_at_text(request: ReportRequest) -> str:
    """What the as-at day means, in a sentence."""
    return (f"the tracker's records at the end of {_day(request.as_at)}: what it held then (a review entered later "
            "counts as it stood at the end of the day it was entered); changes recorded after that day are not "
            "counted")


def preamble(request: ReportRequest) -> list[tuple[str, str]]:
    """What every file and page states about a report: period, scope, geography, as-at day, reference days. Nothing
    about when or by whom a file was made, so the same report always gives the same file (the audit trail has
    that)."""
    period = request.period
    status = " (figures so far: the period had not ended at the as-at day)" if request.in_progress else ""
    reading = "as recorded" if request.geography.value == "recorded" else "on today's hierarchy"
    return [
        ("Period", f"{period.description}{status}"),
        ("Scope", request.scope.label),
        ("Geography", f"{request.geography.label}: {request.geography.explanation}"),
        ("As at", as_at_text(request)),
        ("Open at start", f"open at the end of {_day(period.day_before)}"),
        ("Open at end / overdue at", f"the end of {_day(request.as_of)}"),
        ("Limited to", f"reviews within {request.user_scope.label} (the requester's scope, read {reading})"),
    ]


def generated_line(generated_at: datetime, *, by: str | None = None) -> tuple[str, str]:
    """When, and by whom, a page was generated (shown on the page, not written into files)."""
    local = london_time(generated_at)
    return "Generated", f"{local.day} {local:%B %Y} at {local:%H:%M}" + (f" by {by}" if by else "")
