"""The definitions of every report figure, as SQL over the status history (app/reviews/history.py).

A report is asked "as at" a day C (the tracker's records at the end of C) and takes its "at end" figures on a day
E (the period's last day, or C when that comes first). With `start`/`end` the period's first/last day
(docs/REPORTS.md has the same rules as a table):
- held: a row the tracker held at the end of C (a review entered after C counts as it stood at the end of the
  day it was entered);
- open at the end of day D: a held open row with valid_from <= D < valid_to (or no valid_to);
- opened in the period: a held row that began with the review's opening (valid_from = date added) in it;
- closed (or converted) in the period: a held row that began with a closing in it. A closing is dated by the
  lifecycle (publication date, sign-off date when embargoed, decision date), never before the date added; a
  closing after a reopening, on or after the reopening;
- reopened in the period: a held row that began with a reopening in it (dated the day it was done);
so open at end = open at start + opened + reopened - closed, for every period, area and type.
Every condition compares stored dates with constants, so the history's indexes serve them.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, and_, case, distinct, false, func, or_, select, true

from app.orgs.models import HierarchyEntry, IntegratedCareBoard, Region, SubIcbLocation
from app.orgs.scope import Scope
from app.reports.request import Geography, ReportRequest
from app.reviews.history import (
    CLOSINGS,
    OPENED,
    REOPENED,
    StatusInterval,
    began_between,
    known_at,
    open_during,
    open_on,
    valid_on,
)
from app.reviews.models import Review

H = StatusInterval


def count_if(condition: ColumnElement[bool]):
    """COUNT of the rows meeting a condition (0, never NULL, when none do)."""
    return func.count(case((condition, 1)))


def reviews_if(condition: ColumnElement[bool]):
    """How many different reviews have a row meeting a condition."""
    return func.count(distinct(case((condition, H.review_id))))


def held(as_at: date, rows=H) -> ColumnElement[bool]:
    """History rows (or rows of an alias of the history) the tracker held at the end of a day."""
    return known_at(as_at, rows)


def opened_between(start: date, end: date) -> ColumnElement[bool]:
    """Reviews opened (added) between two days, inclusive."""
    return began_between((OPENED,), start, end)


def closed_between(start: date, end: date) -> ColumnElement[bool]:
    """Closings (closed or converted) between two days, inclusive; each closing counts once."""
    return began_between(CLOSINGS, start, end)


def reopened_between(start: date, end: date) -> ColumnElement[bool]:
    """Reopenings between two days, inclusive."""
    return began_between((REOPENED,), start, end)


def open_at(day: date) -> ColumnElement[bool]:
    """Reviews open at the end of a day."""
    return open_on(day)


def status_at(day: date) -> ColumnElement[bool]:
    """The row giving a review's status at the end of a day (one per review added by then)."""
    return valid_on(day)


def active_between(start: date, end: date) -> ColumnElement[bool]:
    """Open at any time between two days: open at the end of the day before, or opened or reopened in the span."""
    return open_during(start, end)


def in_period(start: date, end: date) -> ColumnElement[bool]:
    """The rows a period's figures read: open at some time in it, or beginning in it (a closing)."""
    return or_(open_during(start, end), H.valid_from.between(start, end))


def reviews_closed_between(start: date, end: date) -> ColumnElement[bool]:
    """Reviews (a condition on the review table, for lists) with a closing between two days, as held today."""
    closings = select(H.review_id).where(H.known_until.is_(None), closed_between(start, end))
    return Review.id.in_(closings)


def placed(source, scope: Scope, geography: Geography) -> ColumnElement[bool]:
    """Rows (of the history, or reviews) placed within a node: by the codes recorded with the review for its date
    added, or by its organisation in today's tree."""
    if scope.is_national:
        return true()
    if geography == Geography.CURRENT:
        return scope.location_clause(source.organisation_code)
    column = {"region": source.recorded_region_code, "icb": source.recorded_icb_code,
              "location": source.organisation_code}.get(scope.kind)
    return column == scope.code if column is not None else false()


def counted(request: ReportRequest, source=H) -> ColumnElement[bool]:
    """The rows a report may count: held at the as-at day (history rows only), in the report's area, and in the
    requester's scope, both read the report's way (as recorded, or on today's tree)."""
    parts = [placed(source, request.user_scope, request.geography), placed(source, request.scope, request.geography)]
    if source is H:
        parts.insert(0, held(request.as_at))
    return and_(*parts)


def area_columns(request: ReportRequest):
    """(level, code column, joins) one level below the report's area; joins are today's tree (current mode)."""
    level = {"england": "region", "region": "icb"}.get(request.scope.kind, "location")
    if request.geography == Geography.RECORDED:
        code = {"region": H.recorded_region_code, "icb": H.recorded_icb_code, "location": H.organisation_code}[level]
        return level, code, []
    if level == "location":
        return level, H.organisation_code, []
    if level == "icb":
        return level, SubIcbLocation.icb_code, [SubIcbLocation]
    return level, IntegratedCareBoard.region_code, [SubIcbLocation, IntegratedCareBoard]


def join_tree(stmt, tables, source=H):
    """Join today's tree tables (sub-ICB location, ICB, region) onto a query of history rows or reviews, in order."""
    for table in tables:
        if table is SubIcbLocation:
            stmt = stmt.join(SubIcbLocation, SubIcbLocation.code == source.organisation_code)
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


def names_on(session, level: str, codes: list[str], day: date) -> dict[str, str]:
    """One name per code (a location, ICB or region): the name in the hierarchy vintage in force on a day, else the
    nearest vintage's (the latest before it, or the earliest after)."""
    code_column, name_column = {"location": (HierarchyEntry.location_code, HierarchyEntry.location_name),
                                "icb": (HierarchyEntry.icb_code, HierarchyEntry.icb_name),
                                "region": (HierarchyEntry.region_code, HierarchyEntry.region_name)}[level]
    if not codes:
        return {}
    rows = session.execute(select(code_column, name_column, HierarchyEntry.valid_from)
                           .where(code_column.in_(sorted(set(codes)))).distinct())
    best: dict[str, tuple[tuple, str]] = {}
    for code, name, valid_from in rows:
        rank = (0, -valid_from.toordinal()) if valid_from <= day else (1, valid_from.toordinal())
        if code not in best or rank < best[code][0]:
            best[code] = (rank, name)
    return {code: name for code, (_, name) in best.items()}
