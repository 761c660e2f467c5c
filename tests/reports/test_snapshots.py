"""Dashboard figures are kept for DASHBOARD_MAX_AGE_SECONDS per scope and day, never shared across scopes, and
refreshed by the refresh-dashboards job."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from app.orgs.scope import scope_for_code
from app.people.models import User
from app.reports.models import FigureSnapshot
from app.reports.snapshots import DashboardSettings, dashboard_figures, refresh_dashboards
from tests.support.reviews import make_review
from tests.support.web import sign_in

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


def _settings(app, max_age: int = 300) -> DashboardSettings:
    return DashboardSettings(clocks=app.config["CLOCKS"], top_themes=10, trend_months=12, max_age_seconds=max_age)


def test_figures_are_kept_until_they_are_too_old(app, session):
    make_review(session, local_identifier="SNAP-1")
    scope = scope_for_code(session, "QMJ")
    first = dashboard_figures(session, scope, now=NOW, settings=_settings(app))
    make_review(session, local_identifier="SNAP-2")
    kept = dashboard_figures(session, scope, now=NOW + timedelta(minutes=4), settings=_settings(app))
    assert kept.board.total_open == first.board.total_open and kept.computed_at == NOW
    assert kept.trend.rows == first.trend.rows and kept.board.overdue == first.board.overdue
    fresh = dashboard_figures(session, scope, now=NOW + timedelta(minutes=6), settings=_settings(app))
    assert fresh.board.total_open == first.board.total_open + 1 and fresh.computed_at == NOW + timedelta(minutes=6)


def test_scopes_days_and_settings_never_share_figures(app, session):
    make_review(session, local_identifier="SNAP-3")  # in QMJ (North Central London)
    qmj = dashboard_figures(session, scope_for_code(session, "QMJ"), now=NOW, settings=_settings(app))
    other = dashboard_figures(session, scope_for_code(session, "Y60"), now=NOW, settings=_settings(app))
    assert qmj.board.total_open >= 1 and other.board.total_open == 0
    changed = DashboardSettings(clocks=app.config["CLOCKS"], top_themes=3, trend_months=12, max_age_seconds=300)
    dashboard_figures(session, scope_for_code(session, "QMJ"), now=NOW, settings=changed)
    dashboard_figures(session, scope_for_code(session, "QMJ"), now=NOW + timedelta(days=1), settings=_settings(app))
    assert session.scalar(select(func.count()).select_from(FigureSnapshot)) == 4


def test_zero_max_age_computes_every_time_and_stores_nothing(app, session):
    scope = scope_for_code(session, "QMJ")
    dashboard_figures(session, scope, now=NOW, settings=_settings(app, 0))
    make_review(session, local_identifier="SNAP-4")
    again = dashboard_figures(session, scope, now=NOW, settings=_settings(app, 0))
    assert again.board.total_open >= 1
    assert session.scalar(select(func.count()).select_from(FigureSnapshot)) == 0


def test_the_refresh_job_recomputes_every_active_users_scope_and_drops_old_days(app, session):
    dashboard_figures(session, scope_for_code(session, "QMJ"), now=NOW - timedelta(days=1), settings=_settings(app))
    make_review(session, local_identifier="SNAP-5")
    done = refresh_dashboards(session, now=NOW, settings=_settings(app))
    assert "QMJ" in done and "ENG" in done
    keys = set(session.scalars(select(FigureSnapshot.key)))
    assert all(":2026-11-25:" in k for k in keys) and len(keys) == len(done)
    kept = dashboard_figures(session, scope_for_code(session, "QMJ"), now=NOW + timedelta(minutes=1),
                             settings=_settings(app))
    assert kept.computed_at == NOW and kept.board.total_open >= 1


def test_the_dashboard_page_says_when_its_figures_were_computed(app, client, session):
    app.config["DASHBOARD_MAX_AGE_SECONDS"] = 300
    sign_in(client, "dp_ncl")
    html = client.get("/admin/").get_data(as_text=True)
    assert "Figures as of" in html and "recalculated every 5 minutes" in html
    assert session.scalar(select(func.count()).select_from(FigureSnapshot).where(
        FigureSnapshot.key.like("dashboard:icb:QMJ:%"))) == 1


def test_the_refresh_job_skips_a_scope_no_longer_in_the_tree(app, session):
    user = session.scalars(select(User).where(User.active.is_(True))).first()
    user.scope_code = "ZZZ"  # e.g. a sub-ICB location merged away since the user was created
    session.flush()
    done = refresh_dashboards(session, now=NOW, settings=_settings(app))
    assert "ZZZ" not in done and "ENG" in done
