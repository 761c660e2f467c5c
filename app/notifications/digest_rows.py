"""What a digest holds: rows and counts for one scope and period, every query cut with the recipient's Scope.

Only identifiers, types, organisations, dates, clock states and theme names: never overview, update text or
learning (the CSV attachment is part of the email).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from app.notifications.periods import Period
from app.notifications.render import csv_attachment
from app.notifications.settings import NotificationSettings
from app.orgs.scope import Scope
from app.reports import metrics, rapid
from app.reports.metrics import TOTAL
from app.reports.overdue import overdue_clocks_in
from app.reports.periods import MONTH, QUARTER, period_of
from app.reports.periods import Period as ReportPeriod
from app.reports.queries import H, closed_between, counted, in_period, opened_between
from app.reports.request import Geography, ReportRequest
from app.reports.tables import ReportTable
from app.reviews.access import in_scope
from app.reviews.clock_queries import clock_due_condition
from app.reviews.clocks import CLOCK_KINDS, CLOCK_LABELS, review_clocks, worst_rag
from app.reviews.models import Review
from app.reviews.types import RapidOutcome, ReviewStatus, type_short

ROW_HEADER = ["Review No.", "Identifier", "StEIS number", "LFPSE reference", "Local identifier", "Type of review",
              "Status", "Sub-ICB location code", "Organisation", "Date added", "Notification date", "Decision date",
              "Rapid review decision", "Latest update on", "Date signed off", "Publication", "Closed on", "Themes",
              "Worst clock state", "Overdue clocks", *[f"{CLOCK_LABELS[k]}: due" for k in CLOCK_KINDS], "Link"]


def review_row(review: Review, *, today: date, settings: NotificationSettings,
               added_columns: list[Any] = ()) -> list[Any]:
    """One CSV row: identifiers, dates, clock states and the link."""
    clocks = review_clocks(review, today=today, config=settings.clocks)
    due = {c.kind: c.due for c in clocks}
    outcome = RapidOutcome(review.rapid_outcome).label if review.rapid_outcome else None
    return [review.id, review.identifier, review.steis_number, review.lfpse_reference, review.local_identifier,
            type_short(review.review_type, review.date_added), ReviewStatus(review.status).label,
            review.organisation_code,
            review.organisation.name if review.organisation else "", review.date_added, review.notification_date,
            review.decision_date, outcome, review.latest_update_on, review.signed_off_date, review.publication_status,
            review.closed_on, "; ".join(t.theme.label for t in review.themes), worst_rag(clocks) or "",
            "; ".join(c.label for c in overdue_clocks_in(clocks)), *[due.get(k) for k in CLOCK_KINDS],
            settings.review_url(review.id), *added_columns]


@dataclass
class RowSet:
    """The rows behind a digest, capped, as a CSV attachment."""

    total: int
    attachment: dict
    truncated: bool = False


def row_set(session: Session, query, *, filename: str, today: date, settings: NotificationSettings,
            header_extra: list[str] = (), columns_for=lambda r: []) -> RowSet:
    """Load the rows of a review query (capped at digest_attachment_max_rows) into a CSV attachment."""
    cap = settings.knobs.get("digest_attachment_max_rows", 5000)
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    reviews = session.scalars(query.options(selectinload(Review.themes)).limit(cap))
    rows = [review_row(r, today=today, settings=settings, added_columns=columns_for(r)) for r in reviews]
    return RowSet(total, csv_attachment(filename, ROW_HEADER + list(header_extra), rows), total > cap)


def clock_rows(session: Session, scope: Scope, condition, *, today: date, settings: NotificationSettings,
               kinds_window: tuple[date, date]) -> list[tuple[Review, Any]]:
    """(review, clock) for every clock of a review in scope whose due date lies in the window."""
    lo, hi = kinds_window
    found = []
    for review in session.scalars(select(Review).where(in_scope(scope), condition).order_by(Review.id)):
        for clock in review_clocks(review, today=today, config=settings.clocks):
            if lo <= clock.due <= hi:
                found.append((review, clock))
    return sorted(found, key=lambda rc: (rc[1].due, rc[0].id))


def any_due_between(lo: date, hi: date, settings: NotificationSettings):
    """Reviews with any clock falling due between two dates."""
    return or_(*(clock_due_condition(k, config=settings.clocks, due_from=lo, due_to=hi) for k in CLOCK_KINDS))


@dataclass
class PeriodFigures:
    """The figures of a monthly or quarterly digest: the report's own tables (app/reports), so a digest and the
    report page for the same period and area always agree."""

    flow: ReportTable
    overdue: ReportTable
    rapid: ReportTable
    themes: ReportTable

    def _total(self, header: str) -> int:
        return self.flow.value(TOTAL, header)

    @property
    def opened(self) -> int:
        """Reviews added in the period."""
        return self._total("Opened")

    @property
    def closed(self) -> int:
        """Reviews closed or converted in the period."""
        return self._total("Closed or converted")

    @property
    def open_at_end(self) -> int:
        """Reviews open at the end of the period (or today, while it is under way)."""
        return self._total("Open at end")

    @property
    def empty(self) -> bool:
        """Nothing was open, opened or closed in the period."""
        return not any(self.flow.row(TOTAL)[1:])


def report_period(period: Period) -> ReportPeriod:
    """The reporting period (app/reports) a monthly or quarterly digest covers."""
    kind = {"monthly": MONTH, "quarterly": QUARTER}[period.kind]
    return period_of(kind, period.start)


def digest_request(scope: Scope, period: Period, *, today: date) -> ReportRequest:
    """The report a monthly or quarterly digest holds: the recipient's scope on today's tree (the reviews they are
    responsible for today, every one of which they can open), as at the period's end."""
    return ReportRequest(period=report_period(period), scope=scope, geography=Geography.CURRENT, user_scope=scope,
                         today=today)


def period_reviews(session: Session, request: ReportRequest) -> tuple[Any, set[int], set[int]]:
    """The reviews behind a period's figures (a condition on reviews), and which of them opened and closed in it
    (the report's own definitions, app/reports/queries.py)."""
    period, end = request.period, request.as_of
    rows = select(H.review_id).where(counted(request), in_period(period.start, end))
    opened = set(session.scalars(rows.where(opened_between(period.start, end))))
    closed = set(session.scalars(rows.where(closed_between(period.start, end))))
    return Review.id.in_(rows), opened, closed


def period_figures(session: Session, request: ReportRequest, *, settings: NotificationSettings) -> PeriodFigures:
    """The report's flow by type, overdue clocks, rapid reviews and themes for the recipient's scope and period."""
    clocks = settings.clocks
    return PeriodFigures(
        flow=metrics.flow_by_type(session, request),
        overdue=metrics.overdue_clocks(session, request, clocks=clocks),
        rapid=rapid.rapid_reviews(session, request, clocks=clocks),
        themes=metrics.themes(session, request),
    )
