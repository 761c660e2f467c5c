"""Dashboard figures kept for a few minutes: the home page costs one lookup, not a scan of every review in scope.

A snapshot is keyed by scope, day and the settings that shape it, so it never crosses scopes and a new day (when
clocks move) or a changed setting makes a new one. It is recomputed when older than DASHBOARD_MAX_AGE_SECONDS
(default 300; 0 computes every time) and refreshed ahead of users by the `refresh-dashboards` job for every scope
that has an active user. The page says when its figures were computed.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.orgs.scope import Scope, UnknownScope, scope_for_code
from app.people.models import User
from app.reports.dashboard import Dashboard, build_dashboard, dashboard_trend
from app.reports.models import FigureSnapshot
from app.reports.periods import MONTH, QUARTER, period_of
from app.reports.tables import ReportTable, plain, table_data, typed
from app.reviews.types import ReviewType
from app.timezone import london_today


@dataclass
class DashboardFigures:
    """A dashboard, its trend table, and when they were computed."""

    board: Dashboard
    trend: ReportTable
    computed_at: datetime


@dataclass(frozen=True)
class DashboardSettings:
    """What shapes a dashboard besides its scope and day."""

    clocks: dict
    top_themes: int
    trend_months: int
    max_age_seconds: int

    def fingerprint(self) -> str:
        """A short hash of the settings (a changed setting never serves old figures)."""
        text = json.dumps([self.clocks, self.top_themes, self.trend_months], sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:12]


def snapshot_key(scope: Scope, today: date, settings: DashboardSettings) -> str:
    """The key of a scope's dashboard on a day."""
    return f"dashboard:{scope.kind}:{scope.code}:{today.isoformat()}:{settings.fingerprint()}"


def _encode(board: Dashboard, trend: ReportTable) -> str:
    return json.dumps({
        "open_by_type": {t.value: n for t, n in board.open_by_type.items()}, "media_open": board.media_open,
        "opened": board.opened, "closed": board.closed, "overdue": board.overdue,
        "themes": [list(t) for t in board.themes],
        "trend": table_data(trend),
    }, default=plain)


def _decode(payload: str, scope: Scope, today: date) -> tuple[Dashboard, ReportTable]:
    data = json.loads(payload, object_hook=typed)
    board = Dashboard(scope=scope, today=today, month=period_of(MONTH, today), quarter=period_of(QUARTER, today),
                      open_by_type={ReviewType(t): n for t, n in data["open_by_type"].items()},
                      media_open=data["media_open"], opened=data["opened"], closed=data["closed"],
                      overdue=data["overdue"], themes=[tuple(t) for t in data["themes"]])
    return board, ReportTable(**data["trend"])


def compute_dashboard(session: Session, scope: Scope, today: date, settings: DashboardSettings,
                      as_at: date | None = None) -> tuple[Dashboard, ReportTable]:
    """The dashboard and its trend, computed now from the reviews (as at the end of an earlier day if given)."""
    board = build_dashboard(session, scope=scope, today=today, clocks=settings.clocks,
                            top_themes_shown=settings.top_themes, as_at=as_at)
    return board, dashboard_trend(session, scope=scope, today=today, months=settings.trend_months, as_at=as_at)


def _store(session: Session, key: str, payload: str, now: datetime) -> None:
    """Write a snapshot in its own short transaction (two processes writing the same key: the later one wins)."""
    try:
        with session.begin_nested():
            row = session.get(FigureSnapshot, key)
            if row is None:
                session.add(FigureSnapshot(key=key, computed_at=now, payload=payload))
            else:
                row.computed_at, row.payload = now, payload
    except IntegrityError:
        pass  # another process stored the same figures first


def dashboard_figures(session: Session, scope: Scope, *, now: datetime, settings: DashboardSettings,
                      refresh: bool = False, as_at: date | None = None) -> DashboardFigures:
    """The scope's dashboard from a fresh-enough snapshot, or computed now and stored (the caller commits). As at an
    earlier day, computed each time (never kept)."""
    today = london_today(now)
    if as_at is not None and as_at != today:
        board, trend = compute_dashboard(session, scope, today, settings, as_at=as_at)
        return DashboardFigures(board, trend, now)
    key = snapshot_key(scope, today, settings)
    if settings.max_age_seconds > 0 and not refresh:
        row = session.get(FigureSnapshot, key)
        if row is not None and now - row.computed_at <= timedelta(seconds=settings.max_age_seconds):
            board, trend = _decode(row.payload, scope, today)
            return DashboardFigures(board, trend, row.computed_at)
    board, trend = compute_dashboard(session, scope, today, settings)
    if settings.max_age_seconds > 0:
        _store(session, key, _encode(board, trend), now)
    return DashboardFigures(board, trend, now)


def refresh_dashboards(session: Session, *, now: datetime, settings: DashboardSettings) -> list[str]:
    """Recompute the dashboard of every scope that has an active user, and drop snapshots of earlier days."""
    codes = sorted(set(session.scalars(select(User.scope_code).where(User.active.is_(True)))))
    done = []
    for code in codes:
        try:
            scope = scope_for_code(session, code)
        except UnknownScope:
            continue  # a user whose scope left the tree sees nothing, so there is nothing to prepare
        dashboard_figures(session, scope, now=now, settings=settings, refresh=True)
        done.append(code)
    today_prefix = london_today(now).isoformat()
    for row in session.scalars(select(FigureSnapshot).where(FigureSnapshot.key.like("dashboard:%"))):
        if row.key.split(":")[3] != today_prefix:
            session.delete(row)
    return done


def settings_from(config) -> DashboardSettings:
    """The dashboard settings from the app configuration."""
    reports = config["REPORTS"]
    return DashboardSettings(clocks=config["CLOCKS"], top_themes=reports.get("dashboard_top_themes", 10),
                             trend_months=reports.get("trend_months", 12),
                             max_age_seconds=int(config.get("DASHBOARD_MAX_AGE_SECONDS", 300)))
