"""The report's tables. Each is ONE aggregate SQL query over the status history (app/reports/queries.py has the
definitions); no loop over reviews. The overdue table counts through app/reports/overdue.py."""

from __future__ import annotations

from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.orgs.models import Theme
from app.reports.overdue import ANY, ANY_LABEL, REVIEWS_OVERDUE, overdue_counts
from app.reports.periods import month_ends
from app.reports.queries import (
    H,
    active_between,
    area_columns,
    child_areas,
    closed_between,
    count_if,
    counted,
    in_period,
    join_tree,
    names_on,
    open_at,
    opened_between,
    reopened_between,
    reviews_if,
)
from app.reports.request import ReportRequest
from app.reports.tables import ReportTable
from app.reviews.clocks import CLOCK_KINDS, CLOCK_LABELS
from app.reviews.types import ReviewType, type_short

TOTAL = "Total"
FLOW_HEADERS = ["Open at start", "Opened", "Reopened", "Closed or converted", "Open at end"]
FLOW_NOTE = ("Open at end = open at start + opened + reopened - closed or converted. Closings and reopenings count "
             "each time they happen; a review opened from a rapid review counts in Opened under its own type (the "
             "rapid review itself closed as converted).")


def _flow_columns(request: ReportRequest) -> list:
    period = request.period
    return [
        count_if(open_at(period.day_before)),
        count_if(opened_between(period.start, request.as_of)),
        count_if(reopened_between(period.start, request.as_of)),
        count_if(closed_between(period.start, request.as_of)),
        count_if(open_at(request.as_of)),
    ]


def _rows(request: ReportRequest):
    return in_period(request.period.start, request.as_of)


def _by_type_rows(results, width: int, on: date) -> list[list]:
    counts = {rtype: [0] * width for rtype in ReviewType}
    for rtype, *values in results:
        counts[ReviewType(rtype)] = list(values)
    rows = [[type_short(rtype.value, on), *values] for rtype, values in counts.items()]  # named as at the period end
    rows.append([TOTAL, *(sum(r[i] for r in rows) for i in range(1, width + 1))])
    return rows


def flow_by_type(session: Session, request: ReportRequest) -> ReportTable:
    """Open at start, opened, reopened, closed (or converted), open at end, by type of review."""
    stmt = (select(H.review_type, *_flow_columns(request))
            .where(counted(request), _rows(request)).group_by(H.review_type))
    rows = _by_type_rows(session.execute(stmt).all(), len(FLOW_HEADERS), request.period.end)
    return ReportTable("flow", "Reviews by type: open, opened and closed", ["Type of review", *FLOW_HEADERS], rows,
                       note=FLOW_NOTE)


def flow_by_area(session: Session, request: ReportRequest) -> ReportTable:
    """The same figures for each area one level below the report's area (regions, ICBs or locations)."""
    level, code, joins = area_columns(request)
    stmt = join_tree(select(code, *_flow_columns(request)), joins)
    stmt = stmt.where(counted(request), _rows(request)).group_by(code)
    found = {row[0]: row for row in session.execute(stmt)}
    rows = []
    for area_code, area_name in child_areas(session, request, level):
        row = found.pop(area_code, None)
        rows.append([area_code, area_name, *(row[1:] if row else [0] * len(FLOW_HEADERS))])
    names = names_on(session, level, list(found), request.period.end)
    for area_code, row in sorted(found.items()):  # codes recorded then but no longer in today's tree
        rows.append([area_code, names.get(area_code, area_code), *row[1:]])
    rows.append([TOTAL, "", *(sum(r[i] for r in rows) for i in range(2, 2 + len(FLOW_HEADERS)))])
    label = {"region": "Region", "icb": "ICB / ICS", "location": "Sub-ICB location (CCG)"}[level]
    title = {"region": "Reviews by region", "icb": "Reviews by ICB / ICS", "location": "Reviews by sub-ICB location"}
    return ReportTable("areas", title[level], [f"{label} code", label, *FLOW_HEADERS], rows,
                       note=f"Areas placed by the report's geography mode ({request.geography.label.lower()}); "
                            "the rows add up to the report's total.")


def media_interest(session: Session, request: ReportRequest) -> ReportTable:
    """Reviews with media interest: active in the period, opened, open at end, by type."""
    period = request.period
    stmt = (select(H.review_type, reviews_if(active_between(period.start, request.as_of)),
                   count_if(opened_between(period.start, request.as_of)), count_if(open_at(request.as_of)))
            .where(counted(request), _rows(request), H.media_interest.is_(True))
            .group_by(H.review_type))
    headers = ["Active in the period", "Opened", "Open at end"]
    rows = _by_type_rows(session.execute(stmt).all(), len(headers), request.period.end)
    return ReportTable("media", "Reviews with media interest", ["Type of review", *headers], rows,
                       note="Active in the period = open at any time in it (open at start, opened or reopened).")


def themes(session: Session, request: ReportRequest) -> ReportTable:
    """Reviews per abuse / vulnerability theme (a review counts once for each theme it carries)."""
    period = request.period
    stmt = (select(Theme.code, Theme.label, reviews_if(active_between(period.start, request.as_of)),
                   count_if(opened_between(period.start, request.as_of)),
                   count_if(closed_between(period.start, request.as_of)), count_if(open_at(request.as_of)))
            .select_from(H).join(Theme, or_(Theme.code == H.theme_1, Theme.code == H.theme_2, Theme.code == H.theme_3))
            .where(counted(request), _rows(request)).group_by(Theme.code, Theme.label))
    rows = sorted((list(r) for r in session.execute(stmt) if r[2] or r[3] or r[4]), key=lambda r: (-r[2], r[1]))
    return ReportTable("themes", "Abuse / vulnerability themes",
                       ["Theme code", "Theme", "Active in the period", "Opened", "Closed or converted", "Open at end"],
                       rows, note="A review counts once for each of its (up to three) themes; themes with no "
                                  "review in the period are not listed.")


def overdue_clocks(session: Session, request: ReportRequest, *, clocks: dict) -> ReportTable:
    """Reviews with each clock overdue at the end of the period (or of the as-at day, when that comes first)."""
    day = request.as_of
    counts = overdue_counts(session, request, clocks=clocks)
    rows = [[CLOCK_LABELS[kind], counts.get(kind, 0)] for kind in CLOCK_KINDS]
    rows.append([ANY_LABEL, counts[ANY]])
    return ReportTable("overdue", f"{REVIEWS_OVERDUE} at {day.day} {day:%B %Y}", ["Clock", "Reviews overdue"], rows,
                       note="Each clock is worked out from the review's record as the tracker held it at the as-at "
                            "day, on the day named: its status, sign-off, publication and latest update on that day. "
                            "A review counts once per overdue clock, and once under Any clock.")


def open_trend(session: Session, request: ReportRequest, *, months: int = 12) -> ReportTable:
    """Open reviews at each month end over the months up to the end of the period."""
    ends = month_ends(request.as_of, months)
    stmt = select(*(count_if(open_at(day)) for day in ends)).where(
        counted(request), active_between(ends[0], ends[-1]))
    values = session.execute(stmt).one()
    rows = [[day, n] for day, n in zip(ends, values, strict=True)]
    return ReportTable("trend", f"Open reviews at each month end ({months} months)", ["At the end of", "Open reviews"],
                       rows)
