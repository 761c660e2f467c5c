"""The report's tables. Each is ONE aggregate SQL query (GROUP BY / conditional counts); no loop over reviews."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.orgs.models import Theme
from app.reports.periods import month_ends
from app.reports.queries import (
    active_between,
    added_between,
    area_columns,
    child_areas,
    closed_between,
    count_if,
    counted,
    join_tree,
    open_at,
)
from app.reports.request import ReportRequest
from app.reports.tables import ReportTable
from app.reviews.clock_queries import any_overdue_condition, overdue_condition
from app.reviews.clocks import CLOCK_KINDS, CLOCK_LABELS
from app.reviews.models import Review, ReviewTheme
from app.reviews.types import PublicationStatus, ReviewStatus, ReviewType

TOTAL = "Total"
FLOW_HEADERS = ["Open at start", "Opened", "Closed or converted", "Open at end"]


def _flow_columns(request: ReportRequest) -> list:
    period = request.period
    return [
        count_if(open_at(period.day_before)),
        count_if(added_between(period.start, period.end)),
        count_if(closed_between(period.start, period.end)),
        count_if(open_at(request.as_of)),
    ]


def _active(request: ReportRequest):
    return active_between(request.period.start, request.period.end)


def _by_type_rows(results, width: int) -> list[list]:
    counts = {rtype: [0] * width for rtype in ReviewType}
    for rtype, *values in results:
        counts[ReviewType(rtype)] = list(values)
    rows = [[rtype.short, *values] for rtype, values in counts.items()]
    rows.append([TOTAL, *(sum(r[i] for r in rows) for i in range(1, width + 1))])
    return rows


def flow_by_type(session: Session, request: ReportRequest) -> ReportTable:
    """Open at start, opened, closed (or converted), open at end, by type of review."""
    stmt = (select(Review.review_type, *_flow_columns(request))
            .where(counted(request), _active(request)).group_by(Review.review_type))
    rows = _by_type_rows(session.execute(stmt).all(), len(FLOW_HEADERS))
    return ReportTable("flow", "Reviews by type: open, opened and closed", ["Type of review", *FLOW_HEADERS], rows,
                       note="Open at end = open at start + opened - closed or converted.")


def flow_by_area(session: Session, request: ReportRequest) -> ReportTable:
    """The same four figures for each area one level below the report's area (regions, ICBs or locations)."""
    level, code, name, joins = area_columns(request)
    stmt = join_tree(select(code, name, *_flow_columns(request)), joins)
    stmt = stmt.where(counted(request), _active(request)).group_by(code)
    found = {row[0]: row for row in session.execute(stmt)}
    rows = []
    for area_code, area_name in child_areas(session, request, level):
        row = found.pop(area_code, None)
        rows.append([area_code, area_name, *(row[2:] if row else [0] * len(FLOW_HEADERS))])
    for area_code, row in sorted(found.items()):  # codes recorded then but no longer in today's tree
        rows.append([area_code, row[1], *row[2:]])
    rows.append([TOTAL, "", *(sum(r[i] for r in rows) for i in range(2, 2 + len(FLOW_HEADERS)))])
    label = {"region": "Region", "icb": "ICB / ICS", "location": "Sub-ICB location (CCG)"}[level]
    title = {"region": "Reviews by region", "icb": "Reviews by ICB / ICS", "location": "Reviews by sub-ICB location"}
    return ReportTable("areas", title[level], [f"{label} code", label, *FLOW_HEADERS], rows,
                       note=f"Areas placed by the report's geography mode ({request.geography.label.lower()}).")


def media_interest(session: Session, request: ReportRequest) -> ReportTable:
    """Reviews with media interest: active in the period, opened, open at end, by type."""
    period = request.period
    stmt = (select(Review.review_type, count_if(_active(request)),
                   count_if(added_between(period.start, period.end)), count_if(open_at(request.as_of)))
            .where(counted(request), _active(request), Review.media_interest.is_(True))
            .group_by(Review.review_type))
    headers = ["Active in the period", "Opened", "Open at end"]
    rows = _by_type_rows(session.execute(stmt).all(), len(headers))
    return ReportTable("media", "Reviews with media interest", ["Type of review", *headers], rows,
                       note="Active in the period = open at any time in it (open at start, or opened).")


def themes(session: Session, request: ReportRequest) -> ReportTable:
    """Reviews per abuse / vulnerability theme (a review counts once for each theme it carries)."""
    period = request.period
    stmt = (select(Theme.code, Theme.label, count_if(_active(request)),
                   count_if(added_between(period.start, period.end)),
                   count_if(closed_between(period.start, period.end)), count_if(open_at(request.as_of)))
            .select_from(ReviewTheme).join(Review, Review.id == ReviewTheme.review_id)
            .join(Theme, Theme.code == ReviewTheme.theme_code)
            .where(counted(request), _active(request)).group_by(Theme.code, Theme.label))
    rows = sorted((list(r) for r in session.execute(stmt)), key=lambda r: (-r[2], r[1]))
    return ReportTable("themes", "Abuse / vulnerability themes",
                       ["Theme code", "Theme", "Active in the period", "Opened", "Closed or converted", "Open at end"],
                       rows, note="A review counts once for each of its (up to three) themes; themes with no "
                                  "review in the period are not listed.")


def overdue_clocks(session: Session, request: ReportRequest, *, clocks: dict) -> ReportTable:
    """Reviews with each clock overdue at the end of the period (or today while it is under way)."""
    day = request.as_of
    conditions = [overdue_condition(kind, today=day, config=clocks) for kind in CLOCK_KINDS]
    conditions.append(any_overdue_condition(today=day, config=clocks))
    stmt = select(*(count_if(c) for c in conditions)).where(
        counted(request), Review.date_added <= day,
        or_(Review.status == ReviewStatus.OPEN.value, Review.publication_status == PublicationStatus.EMBARGOED.value))
    values = session.execute(stmt).one()
    rows = [[CLOCK_LABELS[kind], n] for kind, n in zip(CLOCK_KINDS, values, strict=False)]
    rows.append(["Any clock (reviews with at least one overdue)", values[-1]])
    return ReportTable("overdue", f"Overdue clocks at {day.day} {day:%B %Y}", ["Clock", "Reviews overdue"], rows,
                       note="Clocks are worked out from each review's record as it stands today, on the day named "
                            "(a review closed since, or updated since, no longer shows the clock it had then).")


def open_trend(session: Session, request: ReportRequest, *, months: int = 12) -> ReportTable:
    """Open reviews at each month end over the months up to the end of the period."""
    ends = month_ends(request.as_of, months)
    stmt = select(*(count_if(open_at(day)) for day in ends)).where(
        counted(request), active_between(ends[0], ends[-1]))
    values = session.execute(stmt).one()
    rows = [[day, n] for day, n in zip(ends, values, strict=True)]
    return ReportTable("trend", f"Open reviews at each month end ({months} months)", ["At the end of", "Open reviews"],
                       rows)

