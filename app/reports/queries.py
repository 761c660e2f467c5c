"""The SQL building blocks of every report: which rows count, and when a review was open, opened and closed.

Definitions (docs/REPORTS.md):
- opened on D: date_added = D;
- open at the end of day D: date_added <= D and (closed_on is null or closed_on > D);
- closed (or converted) on: closed_on, the date the lifecycle set (publication date, sign-off date when
  embargoed, decision date for a rapid review); a review is never counted as closed before it was added, so
  a rapid review decided before its date added counts as closed on its date added.
Every condition compares stored dates with constants, so the indexes on date_added, closed_on and the
geography columns serve them.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, and_, case, func, or_, select, true

from app.orgs.models import IntegratedCareBoard, Region, SubIcbLocation
from app.reports.request import Geography, ReportRequest
from app.reviews.access import in_scope
from app.reviews.models import Review


def count_if(condition: ColumnElement[bool]):
    """COUNT of the rows meeting a condition (0, never NULL, when none do)."""
    return func.count(case((condition, 1)))


def added_between(start: date, end: date) -> ColumnElement[bool]:
    """Reviews added between two days (inclusive)."""
    return Review.date_added.between(start, end)


def closed_between(start: date, end: date) -> ColumnElement[bool]:
    """Reviews that closed or converted between two days (inclusive), never before they were added."""
    return or_(
        and_(Review.closed_on.between(start, end), Review.closed_on >= Review.date_added),
        and_(Review.closed_on < Review.date_added, Review.date_added.between(start, end)),
    )


def open_at(day: date) -> ColumnElement[bool]:
    """Reviews open at the end of a day."""
    return and_(Review.date_added <= day, or_(Review.closed_on.is_(None), Review.closed_on > day))


def active_between(start: date, end: date) -> ColumnElement[bool]:
    """Reviews open at any time between two days: open at the start, or added in the span."""
    return and_(
        Review.date_added <= end,
        or_(Review.closed_on.is_(None), Review.closed_on >= start, Review.date_added >= start),
    )


def geography_clause(request: ReportRequest) -> ColumnElement[bool]:
    """Reviews in the report's area: by the codes recorded with the review, or by today's tree."""
    scope = request.scope
    if scope.is_national:
        return true()
    if request.geography == Geography.CURRENT:
        return in_scope(scope)
    if scope.kind == "region":
        return Review.recorded_region_code == scope.code
    if scope.kind == "icb":
        return Review.recorded_icb_code == scope.code
    return Review.organisation_code == scope.code


def counted(request: ReportRequest) -> ColumnElement[bool]:
    """The rows a report may count: in the requester's scope (today's tree) AND in the report's area."""
    return and_(in_scope(request.user_scope), geography_clause(request))


def area_columns(request: ReportRequest):
    """(code, name) columns one level below the report's area, and the joins they need (current mode)."""
    level = {"england": "region", "region": "icb"}.get(request.scope.kind, "location")
    if request.geography == Geography.RECORDED:
        code, name = {
            "region": (Review.recorded_region_code, Review.recorded_region_name),
            "icb": (Review.recorded_icb_code, Review.recorded_icb_name),
            "location": (Review.organisation_code, Review.recorded_organisation_name),
        }[level]
        return level, code, func.max(name), []
    if level == "location":
        return level, Review.organisation_code, func.max(SubIcbLocation.name), [SubIcbLocation]
    if level == "icb":
        return level, SubIcbLocation.icb_code, func.max(IntegratedCareBoard.name), [SubIcbLocation,
                                                                                    IntegratedCareBoard]
    return level, IntegratedCareBoard.region_code, func.max(Region.name), [SubIcbLocation, IntegratedCareBoard,
                                                                           Region]


def join_tree(stmt, tables):
    """Join today's tree tables (sub-ICB location, ICB, region) onto a review query, in order."""
    for table in tables:
        if table is SubIcbLocation:
            stmt = stmt.join(SubIcbLocation, SubIcbLocation.code == Review.organisation_code)
        elif table is IntegratedCareBoard:
            stmt = stmt.join(IntegratedCareBoard, IntegratedCareBoard.code == SubIcbLocation.icb_code)
        elif table is Region:
            stmt = stmt.join(Region, Region.code == IntegratedCareBoard.region_code)
    return stmt


def child_areas(session, request: ReportRequest, level: str) -> list[tuple[str, str]]:
    """Today's areas one level below the report's area, inside the requester's scope (reference data only)."""
    scope, user = request.scope, request.user_scope
    if level == "region":
        rows = session.execute(select(Region.code, Region.name).order_by(Region.name))
        return [(c, n) for c, n in rows if user.is_national or c in user.region_codes]
    if level == "icb":
        stmt = select(IntegratedCareBoard.code, IntegratedCareBoard.name).order_by(IntegratedCareBoard.name)
        rows = session.execute(stmt.where(IntegratedCareBoard.region_code == scope.code))
        return [(c, n) for c, n in rows if user.is_national or c in user.icb_codes]
    stmt = select(SubIcbLocation.code, SubIcbLocation.name).order_by(SubIcbLocation.name)
    rows = session.execute(stmt.where(scope.location_clause(SubIcbLocation.code)))
    return [(c, n) for c, n in rows if user.covers_location(c)]
