"""The dashboard's figures for a user's scope on a day: four aggregate queries, plus one per chart."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.orgs.models import Theme
from app.orgs.scope import Scope
from app.reports import metrics
from app.reports.overdue import overdue_counts
from app.reports.periods import MONTH, QUARTER, Period, period_of
from app.reports.queries import H, closed_between, count_if, counted, open_at, opened_between
from app.reports.request import Geography, ReportRequest
from app.reports.tables import ReportTable
from app.reviews.types import ReviewType, type_short


@dataclass
class Dashboard:
    """What the dashboard shows for one scope on one day."""

    scope: Scope
    today: date  # the day the figures are for (today, or an earlier as-at day)
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
        return types_table(self.open_by_type, self.today)

    def themes_table(self) -> ReportTable:
        """Top themes of open reviews, as a table (for the chart)."""
        return themes_table(self.themes)


def types_table(open_by_type: dict[ReviewType, int], on: date) -> ReportTable:
    """Open reviews by type (named as on the day), with a total row."""
    rows = [[type_short(t.value, on), n] for t, n in open_by_type.items()]
    return ReportTable("types", "Open reviews by type", ["Type of review", "Open"],
                       [*rows, [metrics.TOTAL, sum(open_by_type.values())]])


def themes_table(themes: list[tuple[str, str, int]]) -> ReportTable:
    """Top themes of open reviews."""
    return ReportTable("themes", "Top themes of open reviews", ["Theme code", "Theme", "Open reviews"],
                       [list(t) for t in themes])


def board_request(scope: Scope, day: date, today: date) -> ReportRequest:
    """The dashboard's figures as a report request: the scope on today's tree, as at `day`."""
    return ReportRequest(period=period_of(MONTH, day), scope=scope, geography=Geography.CURRENT, user_scope=scope,
                         today=today, as_at=day)


def open_counts(session: Session, request: ReportRequest) -> tuple[dict[ReviewType, int], int]:
    """Reviews open at the end of the day by type, and how many of them have media interest (one query)."""
    day = request.as_at
    rows = session.execute(select(H.review_type, func.count(), count_if(H.media_interest.is_(True)))
                           .where(counted(request), open_at(day)).group_by(H.review_type)).all()
    by_type = dict.fromkeys(ReviewType, 0)
    for rtype, n, _ in rows:
        by_type[ReviewType(rtype)] = n
    return by_type, sum(media for _, _, media in rows)


def recent_flow(session: Session, request: ReportRequest, month: Period, quarter: Period) -> tuple[dict, dict]:
    """Reviews opened, and closings (closed or converted), this month and this quarter up to the day (one query)."""
    day, since = request.as_at, min(month.start, quarter.start)
    flow = session.execute(select(
        count_if(opened_between(month.start, day)), count_if(opened_between(quarter.start, day)),
        count_if(closed_between(month.start, day)), count_if(closed_between(quarter.start, day)),
    ).where(counted(request), H.valid_from.between(since, day))).one()
    return {"month": flow[0], "quarter": flow[1]}, {"month": flow[2], "quarter": flow[3]}


def top_themes(session: Session, request: ReportRequest, limit: int) -> list[tuple[str, str, int]]:
    """The themes carried by most reviews open at the end of the day (one query)."""
    rows = session.execute(
        select(Theme.code, Theme.label, func.count()).select_from(H)
        .join(Theme, or_(Theme.code == H.theme_1, Theme.code == H.theme_2, Theme.code == H.theme_3))
        .where(counted(request), open_at(request.as_at)).group_by(Theme.code, Theme.label)
        .order_by(func.count().desc(), Theme.label).limit(limit))
    return [(code, label, n) for code, label, n in rows]


def build_dashboard(session: Session, *, scope: Scope, today: date, clocks: dict, top_themes_shown: int = 10,
                    as_at: date | None = None) -> Dashboard:
    """Every dashboard figure for a scope (current hierarchy) at the end of a day (today unless `as_at`)."""
    day = as_at or today
    request = board_request(scope, day, today)
    board = Dashboard(scope=scope, today=day, month=period_of(MONTH, day), quarter=period_of(QUARTER, day))
    board.open_by_type, board.media_open = open_counts(session, request)
    board.opened, board.closed = recent_flow(session, request, board.month, board.quarter)
    board.overdue = overdue_counts(session, request, clocks=clocks)
    board.themes = top_themes(session, request, top_themes_shown)
    return board


def dashboard_trend(session: Session, *, scope: Scope, today: date, months: int = 12,
                    as_at: date | None = None) -> ReportTable:
    """Open reviews at each of the last month ends, and at the end of the day (one query)."""
    return metrics.open_trend(session, board_request(scope, as_at or today, today), months=months)
