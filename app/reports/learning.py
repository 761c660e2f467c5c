"""The organisational learning and recommendations of the reviews closed in a period (one query)."""

from __future__ import annotations

from sqlalchemy import func, select, union_all
from sqlalchemy.orm import Session

from app.orgs.models import SubIcbLocation
from app.reports.queries import counted
from app.reports.request import Geography, ReportRequest
from app.reports.tables import ReportTable
from app.reviews.models import Review
from app.reviews.types import PublicationStatus, ReviewStatus, ReviewType

LEARNING_HEADERS = ["Tracker number", "Identifier", "Type of review", "Sub-ICB location (CCG) code",
                    "Sub-ICB location (CCG)", "Closed on", "Public / embargoed", "Organisational learning 1",
                    "Organisational learning 2", "Organisational learning 3", "Lessons learned / recommendations"]


def learning(session: Session, request: ReportRequest, *, limit: int | None = None) -> ReportTable:
    """Reviews closed in the period (not rapid reviews that converted: their learning is on the new review).

    'Closed in the period' is queries.closed_between, written here as two disjoint range queries joined by
    UNION ALL (closed on a day in the period; or closed before being added, and added in the period), so
    each half is an index range scan even when the list is ordered and cut to the page size.
    """
    period = request.period
    name = (Review.recorded_organisation_name if request.geography == Geography.RECORDED
            else SubIcbLocation.name)
    columns = [
        Review.id.label("id"),
        func.coalesce(Review.steis_number, Review.lfpse_reference, Review.local_identifier).label("identifier"),
        Review.review_type.label("review_type"), Review.organisation_code.label("organisation_code"),
        name.label("organisation_name"), Review.closed_on.label("closed_on"),
        Review.publication_status.label("publication_status"), Review.learning_1.label("learning_1"),
        Review.learning_2.label("learning_2"), Review.learning_3.label("learning_3"),
        Review.recommendations.label("recommendations"),
    ]
    base = select(*columns).where(counted(request), Review.status == ReviewStatus.CLOSED.value)
    if request.geography == Geography.CURRENT:
        base = base.join(SubIcbLocation, SubIcbLocation.code == Review.organisation_code)
    on_a_day_in_it = base.where(Review.closed_on.between(period.start, period.end),
                                Review.closed_on >= Review.date_added)
    before_added = base.where(Review.closed_on < Review.date_added, Review.date_added.between(period.start, period.end))
    both = union_all(on_a_day_in_it, before_added).subquery()
    stmt = select(both).order_by(both.c.closed_on, both.c.id)
    if limit is not None:
        stmt = stmt.limit(limit + 1)
    rows = []
    for row in session.execute(stmt):
        values = list(row)
        values[1] = values[1] or f"#{values[0]}"
        values[2] = ReviewType(values[2]).short
        values[6] = PublicationStatus(values[6]).label if values[6] else None
        rows.append(values)
    truncated = limit is not None and len(rows) > limit
    return ReportTable("learning", "Learning and recommendations of the reviews closed in the period",
                       LEARNING_HEADERS, rows[:limit] if truncated else rows, truncated=truncated,
                       note="Rapid reviews that converted are not listed: their learning is recorded on the review "
                            "they became.")
