"""What a digest holds: rows and counts for one scope and period, every query cut with the recipient's Scope.

Only identifiers, types, organisations, dates, clock states and theme names: never overview, update text or
learning (the CSV attachment is part of the email).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from statistics import median
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, selectinload

from app.notifications.periods import Period
from app.notifications.render import csv_attachment
from app.notifications.settings import NotificationSettings
from app.orgs.models import Theme
from app.orgs.scope import Scope
from app.reviews.access import in_scope
from app.reviews.calendar import working_days
from app.reviews.clock_queries import clock_due_condition, overdue_condition
from app.reviews.clocks import CLOCK_KINDS, CLOCK_LABELS, review_clocks, worst_rag
from app.reviews.models import Review, ReviewTheme
from app.reviews.types import RapidOutcome, ReviewStatus, ReviewType

ROW_HEADER = ["Review No.", "Identifier", "StEIS number", "LFPSE reference", "Local identifier", "Type of review",
              "Status", "Sub-ICB location code", "Organisation", "Date added", "Notification date", "Decision date",
              "Rapid review decision", "Latest update on", "Date signed off", "Publication", "Closed on", "Themes",
              "Worst clock state", "Overdue clocks", *[f"{CLOCK_LABELS[k]}: due" for k in CLOCK_KINDS], "Link"]


def open_on(day: date):
    """Reviews open at the end of a day (added by then, not closed or converted by then)."""
    return and_(Review.date_added <= day, or_(Review.closed_on.is_(None), Review.closed_on > day))


def review_row(review: Review, *, today: date, settings: NotificationSettings, extra: list[Any] = ()) -> list[Any]:
    """One CSV row: identifiers, dates, clock states and the link."""
    clocks = review_clocks(review, today=today, config=settings.clocks)
    due = {c.kind: c.due for c in clocks}
    outcome = RapidOutcome(review.rapid_outcome).label if review.rapid_outcome else None
    return [review.id, review.identifier, review.steis_number, review.lfpse_reference, review.local_identifier,
            ReviewType(review.review_type).short, ReviewStatus(review.status).label, review.organisation_code,
            review.organisation.name if review.organisation else "", review.date_added, review.notification_date,
            review.decision_date, outcome, review.latest_update_on, review.signed_off_date, review.publication_status,
            review.closed_on, "; ".join(t.theme.label for t in review.themes), worst_rag(clocks) or "",
            "; ".join(c.label for c in clocks if c.overdue), *[due.get(k) for k in CLOCK_KINDS],
            settings.review_url(review.id), *extra]


@dataclass
class RowSet:
    """The rows behind a digest, capped, as a CSV attachment."""

    total: int
    attachment: dict
    truncated: bool = False


def row_set(session: Session, query, *, filename: str, today: date, settings: NotificationSettings,
            header_extra: list[str] = (), extra=lambda r: []) -> RowSet:
    """Load the rows of a review query (capped at digest_attachment_max_rows) into a CSV attachment."""
    cap = settings.knobs.get("digest_attachment_max_rows", 5000)
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    reviews = session.scalars(query.options(selectinload(Review.themes)).limit(cap))
    rows = [review_row(r, today=today, settings=settings, extra=extra(r)) for r in reviews]
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
    """The counts of a monthly or quarterly digest."""

    open_at_start: int = 0
    opened: int = 0
    closed: int = 0
    converted: int = 0
    open_at_end: int = 0
    by_type: list[dict] = field(default_factory=list)
    overdue: list[tuple[str, int]] = field(default_factory=list)
    themes: list[tuple[str, int]] = field(default_factory=list)
    rapid: dict = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        """Nothing was open, opened or closed in the period."""
        return not (self.open_at_start or self.opened or self.closed or self.converted or self.open_at_end)


def _count_by_type(session: Session, scope: Scope, condition) -> Counter:
    rows = session.execute(select(Review.review_type, func.count()).where(in_scope(scope), condition)
                           .group_by(Review.review_type))
    return Counter(dict(rows.all()))


def period_figures(session: Session, scope: Scope, period: Period, *, today: date,
                   settings: NotificationSettings) -> PeriodFigures:
    """Open at start / opened / closed / converted / open at end (by type), overdue today, themes, rapid reviews."""
    start, end = period.start, period.end
    measures = {
        "open_at_start": open_on(start - timedelta(days=1)),
        "opened": Review.date_added.between(start, end),
        "closed": and_(Review.status == ReviewStatus.CLOSED.value, Review.closed_on.between(start, end)),
        "converted": and_(Review.status == ReviewStatus.CONVERTED.value, Review.closed_on.between(start, end)),
        "open_at_end": open_on(end),
    }
    figures = PeriodFigures()
    per_type = {name: _count_by_type(session, scope, cond) for name, cond in measures.items()}
    for name, counts in per_type.items():
        setattr(figures, name, sum(counts.values()))
    for rtype in ReviewType:
        row = {name: per_type[name].get(rtype.value, 0) for name in measures}
        if any(row.values()):
            figures.by_type.append({"type": rtype.short, **row})
    figures.overdue = [(CLOCK_LABELS[k], session.scalar(select(func.count()).select_from(Review).where(
        in_scope(scope), overdue_condition(k, today=today, config=settings.clocks))) or 0) for k in CLOCK_KINDS]
    figures.themes = [tuple(r) for r in session.execute(
        select(Theme.label, func.count()).join(ReviewTheme, ReviewTheme.theme_code == Theme.code)
        .join(Review, Review.id == ReviewTheme.review_id)
        .where(in_scope(scope), measures["opened"]).group_by(Theme.label)
        .order_by(func.count().desc(), Theme.label).limit(10))]
    figures.rapid = rapid_figures(session, scope, period, settings=settings)
    return figures


def rapid_figures(session: Session, scope: Scope, period: Period, *, settings: NotificationSettings) -> dict:
    """Rapid reviews decided in the period: converted, no further review, rate, days to decision."""
    decided = session.execute(select(Review.rapid_outcome, Review.notification_date, Review.decision_date).where(
        in_scope(scope), Review.review_type == ReviewType.RAPID.value,
        Review.decision_date.between(period.start, period.end))).all()
    calendar = working_days()
    limit = settings.clocks["rapid_review_due"]["working_days"]
    converted = sum(1 for o, _, _ in decided if o and o != RapidOutcome.NO_FURTHER_REVIEW.value)
    days = [(d - n).days for _, n, d in decided if n and d]
    on_time = sum(1 for _, n, d in decided if n and d and calendar.working_days_between(n, d) <= limit)
    return {"decided": len(decided), "converted": converted, "no_further_review": len(decided) - converted,
            "rate": f"{converted / len(decided):.0%}" if decided else "n/a",
            "median_days": f"{median(days):g}" if days else None, "on_time": on_time, "limit": limit}
