"""Running a period report, one table or all of them, and writing report downloads to the audit trail."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy.orm import Session

from app.audit.service import record
from app.people.actor import Actor
from app.reports import learning, metrics, rapid
from app.reports.request import ReportRequest
from app.reports.tables import Report, ReportTable

# The report's tables, in page order.
TABLE_KEYS = ("flow", "areas", "rapid", "themes", "overdue", "media", "trend", "learning")


def _builders(clocks: dict, settings: dict, *, page: bool) -> dict[str, Callable[[Session, ReportRequest],
                                                                                  ReportTable]]:
    limit = settings.get("learning_rows_on_page", 100) if page else None
    return {
        "flow": metrics.flow_by_type,
        "areas": metrics.flow_by_area,
        "rapid": lambda s, r: rapid.rapid_reviews(s, r, clocks=clocks),
        "themes": metrics.themes,
        "overdue": lambda s, r: metrics.overdue_clocks(s, r, clocks=clocks),
        "media": metrics.media_interest,
        "trend": lambda s, r: metrics.open_trend(s, r, months=settings.get("trend_months", 12)),
        "learning": lambda s, r: learning.learning(s, r, limit=limit),
    }


def build_table(
    session: Session, request: ReportRequest, key: str, *, clocks: dict, settings: dict, page: bool = False
) -> ReportTable:
    """One table of the report (KeyError for an unknown key)."""
    return _builders(clocks, settings, page=page)[key](session, request)


def build_report(
    session: Session, request: ReportRequest, *, clocks: dict, settings: dict, now: datetime, page: bool = False
) -> Report:
    """Every table of the report for a checked request (`page` shortens the learning list to the page size)."""
    report = Report(request=request, generated_at=now)
    builders = _builders(clocks, settings, page=page)
    for key in TABLE_KEYS:
        report.add(builders[key](session, request))
    return report


def record_download(
    session: Session, *, actor: Actor, now: datetime, request: ReportRequest, what: str, file_format: str,
    rows: int | None = None, action: str = "report.download"
) -> None:
    """Write a report download (a table, a chart, the workbook or the extract) to the audit trail."""
    counted = "" if rows is None else f"; {rows} rows"
    record(session, action=action, actor=actor, now=now, entity="report", entity_id=what,
           detail=f"{what} as {file_format}; period {request.period.code}; scope {request.scope.code}; "
                  f"geography {request.geography.value}; as at {request.as_at.isoformat()}{counted}")
