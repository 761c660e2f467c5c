"""Which charts a report and the dashboard show, built from their tables (so a chart never disagrees)."""

from __future__ import annotations

from datetime import date

from app.reports.charts import ChartSpec, month_label
from app.reports.metrics import TOTAL
from app.reports.request import ReportRequest
from app.reports.tables import ReportTable

REPORT_CHARTS = {
    "flow": ("flow", "Reviews by type"),
    "themes": ("themes", "Themes"),
    "rapid": ("rapid", "Rapid review decisions"),
    "trend": ("trend", "Open reviews over 12 months"),
}
DASHBOARD_CHARTS = ("trend", "types", "themes")
THEMES_SHOWN = 12


def caption(request: ReportRequest) -> str:
    """Scope, period and geography mode, for the line under a chart's title."""
    return f"{request.scope.label} · {request.period.label} · geography: {request.geography.label.lower()}"


def _trend_categories(rows: list[list], today: date | None) -> list[str]:
    return [month_label(day, last=(i == len(rows) - 1 and today is not None and day == today))
            for i, (day, _) in enumerate(rows)]


def report_chart(name: str, table: ReportTable, request: ReportRequest) -> ChartSpec:
    """The chart of one report table ('flow', 'themes', 'rapid' or 'trend'); KeyError for another name."""
    text = caption(request)
    if name == "flow":
        rows = [r for r in table.rows if r[0] != TOTAL]
        series = [(header, [r[i] for r in rows]) for i, header in enumerate(table.headers) if i >= 2]
        return ChartSpec("bar", "Reviews by type", text, [r[0] for r in rows], series)
    if name == "themes":
        rows = table.rows[:THEMES_SHOWN]
        return ChartSpec("barh", "Themes of the reviews active in the period", text, [r[1] for r in rows],
                         [("Active in the period", [r[2] for r in rows])])
    if name == "rapid":
        wanted = {"Converted to a Child Safeguarding Practice Review (CSPR)": "CSPR",
                  "Converted to a Safeguarding Adult Review (SAR)": "SAR",
                  "Converted to a Domestic Homicide Review (DHR)": "DHR", "No further review": "No further review"}
        rows = [(wanted[r[0]], r[1]) for r in table.rows if r[0] in wanted]
        return ChartSpec("bar", "Rapid review decisions in the period", text, [c for c, _ in rows],
                         [("Decisions", [v for _, v in rows])])
    if name == "trend":
        today = request.today if request.in_progress else None
        return ChartSpec("line", "Open reviews at each month end", text, _trend_categories(table.rows, today),
                         [("Open reviews", [r[1] for r in table.rows])])
    raise KeyError(name)


def dashboard_chart(name: str, table: ReportTable, *, scope_label: str, today: date) -> ChartSpec:
    """A dashboard chart ('trend', 'types' or 'themes') from the dashboard's table of the same name."""
    text = f"{scope_label} · current hierarchy · {today.day} {today:%B %Y}"
    if name == "trend":
        return ChartSpec("line", "Open reviews at each month end", text, _trend_categories(table.rows, today),
                         [("Open reviews", [r[1] for r in table.rows])])
    if name == "types":
        rows = [r for r in table.rows if r[0] != TOTAL]
        return ChartSpec("bar", "Open reviews by type", text, [r[0] for r in rows], [("Open", [r[1] for r in rows])])
    if name == "themes":
        return ChartSpec("barh", "Top themes of open reviews", text, [r[1] for r in table.rows],
                         [("Open reviews", [r[2] for r in table.rows])])
    raise KeyError(name)
