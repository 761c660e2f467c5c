"""The dashboard's figures for a user's scope on a day: four aggregate queries, plus one per chart."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.orgs.models import Theme
from app.orgs.scope import Scope
from app.reports import metrics
from app.reports.periods import MONTH, QUARTER, Period, period_of
from app.reports.queries import added_between, closed_between, count_if
from app.reports.request import Geography, ReportRequest
from app.reports.tables import ReportTable
from app.reviews.access import in_scope
from app.reviews.clock_queries import any_overdue_condition, overdue_condition
from app.reviews.clocks import CLOCK_KINDS
from app.reviews.models import Review, ReviewTheme
from app.reviews.types import PublicationStatus, ReviewStatus, ReviewType

OPEN = Review.status == ReviewStatus.OPEN.value


@dataclass
class Dashboard:
    """What the dashboard shows for one scope on one day."""

    scope: Scope
    today: date
    month: Period
    quarter: Period
    open_by_type: dict[ReviewType, int] = field(default_factory=dict)
    media_open: int = 0
    opened: dict[str, int] = field(default_factory=dict)  # "month" / "quarter"
    closed: dict[str, int] = field(default_factory=dict)
    overdue: dict[str, int] = field(default_factory=dict)  # clock kind, and "any"
    themes: list[tuple[str, str, int]] = field(default_factory=list)

    @property
    def total_open(self) -> int:
        """Open reviews of every type."""
        return sum(self.open_by_type.values())

    @property
    def rapid_awaiting(self) -> int:
        """Rapid reviews awaiting a decision (an open rapid review has none yet: deciding ends it)."""
        return self.open_by_type.get(ReviewType.RAPID, 0)

    def types_table(self) -> ReportTable:
        """Open reviews by type, as a table (for the chart)."""
        return types_table(self.open_by_type)

    def themes_table(self) -> ReportTable:
        """Top themes of open reviews, as a table (for the chart)."""
        return themes_table(self.themes)


def types_table(open_by_type: dict[ReviewType, int]) -> ReportTable:
    """Open reviews by type, with a total row."""
    rows = [[t.short, n] for t, n in open_by_type.items()]
    return ReportTable("types", "Open reviews by type", ["Type of review", "Open"],
                       [*rows, [metrics.TOTAL, sum(open_by_type.values())]])


def themes_table(themes: list[tuple[str, str, int]]) -> ReportTable:
    """Top themes of open reviews."""
    return ReportTable("themes", "Top themes of open reviews", ["Theme code", "Theme", "Open reviews"],
                       [list(t) for t in themes])


def open_counts(session: Session, scope: Scope) -> tuple[dict[ReviewType, int], int]:
    """Open reviews by type, and how many of them have media interest (one query)."""
    rows = session.execute(select(Review.review_type, func.count(), count_if(Review.media_interest.is_(True)))
                           .where(in_scope(scope), OPEN).group_by(Review.review_type)).all()
    by_type = dict.fromkeys(ReviewType, 0)
    for rtype, n, _ in rows:
        by_type[ReviewType(rtype)] = n
    return by_type, sum(media for _, _, media in rows)


def recent_flow(session: Session, scope: Scope, month: Period, quarter: Period) -> tuple[dict, dict]:
    """Reviews opened, and closed or converted, this month and this quarter (one query)."""
    since = min(month.start, quarter.start)
    flow = session.execute(select(
        count_if(added_between(month.start, month.end)), count_if(added_between(quarter.start, quarter.end)),
        count_if(closed_between(month.start, month.end)), count_if(closed_between(quarter.start, quarter.end)),
    ).where(in_scope(scope), or_(Review.date_added >= since, Review.closed_on >= since))).one()
    return {"month": flow[0], "quarter": flow[1]}, {"month": flow[2], "quarter": flow[3]}


def overdue_counts(session: Session, scope: Scope, today: date, clocks: dict) -> dict[str, int]:
    """Reviews with each clock overdue today, and with any (one query)."""
    conditions = [overdue_condition(kind, today=today, config=clocks) for kind in CLOCK_KINDS]
    counts = session.execute(
        select(*(count_if(c) for c in conditions), count_if(any_overdue_condition(today=today, config=clocks)))
        .where(in_scope(scope), or_(OPEN, Review.publication_status == PublicationStatus.EMBARGOED.value))).one()
    return {**dict(zip(CLOCK_KINDS, counts, strict=False)), "any": counts[-1]}


def top_themes(session: Session, scope: Scope, limit: int) -> list[tuple[str, str, int]]:
    """The themes carried by most open reviews (one query)."""
    rows = session.execute(
        select(Theme.code, Theme.label, func.count()).select_from(ReviewTheme)
        .join(Review, Review.id == ReviewTheme.review_id).join(Theme, Theme.code == ReviewTheme.theme_code)
        .where(in_scope(scope), OPEN).group_by(Theme.code, Theme.label)
        .order_by(func.count().desc(), Theme.label).limit(limit))
    return [(code, label, n) for code, label, n in rows]


def build_dashboard(session: Session, *, scope: Scope, today: date, clocks: dict, top_themes_shown: int = 10
                    ) -> Dashboard:
    """Every dashboard figure for a scope (current hierarchy) on a day: four aggregate queries."""
    board = Dashboard(scope=scope, today=today, month=period_of(MONTH, today), quarter=period_of(QUARTER, today))
    board.open_by_type, board.media_open = open_counts(session, scope)
    board.opened, board.closed = recent_flow(session, scope, board.month, board.quarter)
    board.overdue = overdue_counts(session, scope, today, clocks)
    board.themes = top_themes(session, scope, top_themes_shown)
    return board


def dashboard_trend(session: Session, *, scope: Scope, today: date, months: int = 12) -> ReportTable:
    """Open reviews at each of the last month ends, and today (one query)."""
    request = ReportRequest(period=period_of(MONTH, today), scope=scope, geography=Geography.CURRENT,
                            user_scope=scope, today=today)
    return metrics.open_trend(session, request, months=months)
