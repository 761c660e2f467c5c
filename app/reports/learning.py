"""The organisational learning and recommendations of the reviews closed in a period (one query)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.orgs.models import SubIcbLocation
from app.reports.queries import closed_between, counted
from app.reports.request import Geography, ReportRequest
from app.reports.tables import ReportTable
from app.reviews.models import Review
from app.reviews.types import PublicationStatus, ReviewStatus, ReviewType

LEARNING_HEADERS = ["Tracker number", "Identifier", "Type of review", "Sub-ICB location (CCG) code",
                    "Sub-ICB location (CCG)", "Closed on", "Public / embargoed", "Organisational learning 1",
                    "Organisational learning 2", "Organisational learning 3", "Lessons learned / recommendations"]


def learning(session: Session, request: ReportRequest, *, limit: int | None = None) -> ReportTable:
    """Reviews closed in the period (not rapid reviews that converted: their learning is on the new review)."""
    period = request.period
    name = (Review.recorded_organisation_name if request.geography == Geography.RECORDED
            else SubIcbLocation.name)
    stmt = select(
        Review.id,
        func.coalesce(Review.steis_number, Review.lfpse_reference, Review.local_identifier),
        Review.review_type, Review.organisation_code, name, Review.closed_on, Review.publication_status,
        Review.learning_1, Review.learning_2, Review.learning_3, Review.recommendations,
    ).where(counted(request), Review.status == ReviewStatus.CLOSED.value, closed_between(period.start, period.end))
    if request.geography == Geography.CURRENT:
        stmt = stmt.join(SubIcbLocation, SubIcbLocation.code == Review.organisation_code)
    stmt = stmt.order_by(Review.closed_on, Review.id)
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
