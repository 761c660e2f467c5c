"""The admin home page: the signed-in user's scope at a glance; every number links to the list behind it."""

from __future__ import annotations

from datetime import date

from flask import Response, abort, current_app, request, url_for
from flask_admin import expose

from app.admin.base import TrackerIndexView
from app.extensions import db
from app.people.roles import Permission
from app.reports.charts import FORMATS as CHART_FORMATS
from app.reports.charts import render
from app.reports.dashboard import Dashboard
from app.reports.overdue import ANY_LABEL, REVIEWS_OVERDUE
from app.reports.report_charts import DASHBOARD_CHARTS, dashboard_chart
from app.reports.snapshots import DashboardFigures, dashboard_figures, settings_from
from app.reports.tables import ReportTable
from app.reviews.clocks import CLOCK_LABELS
from app.timezone import london_time, london_today
from app.types import utcnow


def review_list_url(*filters: tuple[str, str]) -> str:
    """The reviews list with named filters applied, e.g. ('status_equals', 'open')."""
    args = {f"flt{n}_{name}": value for n, (name, value) in enumerate(filters)}
    return url_for("review.index_view", **args)


def _between(period) -> str:
    return f"{period.start.isoformat()} to {period.end.isoformat()}"


def dashboard_links(board: Dashboard) -> dict[str, str]:
    """The filtered reviews list behind each number of the dashboard."""
    open_ = ("status_equals", "open")
    links = {
        "open": review_list_url(open_),
        "media": review_list_url(open_, ("media_interest_equals", "1")),
        "rapid_awaiting": review_list_url(open_, ("type_of_review_equals", "RAPID")),
    }
    for rtype in board.open_by_type:
        links[f"type:{rtype.value}"] = review_list_url(open_, ("type_of_review_equals", rtype.value))
    for name, period in (("month", board.month), ("quarter", board.quarter)):
        links[f"opened:{name}"] = review_list_url(("date_added_between", _between(period)))
        links[f"closed:{name}"] = review_list_url(("closed_or_converted_on_between", _between(period)))
    for kind in [*CLOCK_LABELS, "any"]:
        links[f"overdue:{kind}"] = review_list_url(("overdue_is_overdue", kind))
    for code, _, _ in board.themes:
        links[f"theme:{code}"] = review_list_url(open_, ("theme_includes", code))
    return links


class DashboardView(TrackerIndexView):
    """Open reviews, recent flow, overdue clocks, rapid reviews awaiting a decision, themes, media interest."""

    def _as_at(self, today: date) -> date | None:
        """The as-at day asked for (?as_at=YYYY-MM-DD, not after today), or None for today."""
        text = (request.args.get("as_at") or "").strip()
        if not text:
            return None
        try:
            day = date.fromisoformat(text)
        except ValueError:
            abort(Response(f"As at: {text!r} is not a date: write it as 2022-12-31 (year, month, day).", status=400,
                           mimetype="text/plain"))
        if day > today:
            abort(Response("As at: the dashboard cannot show a day after today.", status=400, mimetype="text/plain"))
        return None if day == today else day

    def _figures(self) -> DashboardFigures:
        settings = settings_from(current_app.config)
        now = utcnow()
        figures = dashboard_figures(db.session, self.actor.scope, now=now, settings=settings,
                                    as_at=self._as_at(london_today(now)))
        db.session.commit()  # the snapshot, when one was stored
        return figures

    def _charts(self, board: Dashboard, trend: ReportTable) -> dict:
        tables = {"trend": trend, "types": board.types_table(), "themes": board.themes_table()}
        return {name: dashboard_chart(name, tables[name], scope_label=board.scope.label, today=board.today)
                for name in DASHBOARD_CHARTS}

    @expose("/")
    def index(self):
        """The dashboard for the signed-in user's scope."""
        actor = self.actor
        figures = self._figures()
        board = figures.board
        today = london_today(utcnow())
        past = board.today != today
        return self.render("admin/dashboard.html", actor=actor, board=board,
                           links={} if past else dashboard_links(board), today=today,
                           as_at_value=board.today.isoformat() if past else "", overdue_title=REVIEWS_OVERDUE,
                           any_label=ANY_LABEL, clock_labels=CLOCK_LABELS, charts=self._charts(board, figures.trend),
                           computed_at=london_time(figures.computed_at),
                           max_age_minutes=settings_from(current_app.config).max_age_seconds // 60,
                           rapid_days=current_app.config["CLOCKS"]["rapid_review_due"]["working_days"],
                           can_report=actor.can(Permission.REPORTS))

    @expose("/chart/<chart>.<file_format>")
    def chart(self, chart: str, file_format: str):
        """A dashboard chart (trend, types, themes) as SVG or PNG, from the same figures as the page."""
        if chart not in DASHBOARD_CHARTS or file_format not in CHART_FORMATS:
            abort(404)
        figures = self._figures()
        spec = self._charts(figures.board, figures.trend)[chart]
        return Response(render(spec, file_format), mimetype=CHART_FORMATS[file_format],
                        headers={"Cache-Control": "no-store"})
