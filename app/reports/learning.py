"""The organisational learning and recommendations of the reviews closed in a period (one query, then the texts as
the tracker held them at the as-at day)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.orgs.models import SubIcbLocation
from app.reports.queries import H, counted, names_on
from app.reports.records import publication_on, records_as_at
from app.reports.request import Geography, ReportRequest
from app.reports.tables import ReportTable
from app.reviews.history import CLOSED, began_between
from app.reviews.types import PublicationStatus, type_short

LEARNING_HEADERS = ["Tracker number", "Identifier", "Type of review", "Sub-ICB location (CCG) code",
                    "Sub-ICB location (CCG)", "Closed on", "Public / embargoed", "Organisational learning 1",
                    "Organisational learning 2", "Organisational learning 3", "Lessons learned / recommendations"]


def _names(session: Session, request: ReportRequest, codes: list[str]) -> dict[str, str]:
    if request.geography == Geography.RECORDED:
        return names_on(session, "location", codes, request.period.end)
    return dict(session.execute(select(SubIcbLocation.code, SubIcbLocation.name)
                                .where(SubIcbLocation.code.in_(sorted(set(codes))))).all())


def learning(session: Session, request: ReportRequest, *, limit: int | None = None) -> ReportTable:
    """Reviews closed in the period (not rapid reviews that converted: their learning is on the new review), by
    the day they closed (the last closing in the period, for a review closed twice)."""
    period = request.period
    closed_on = func.max(H.valid_from).label("closed_on")
    stmt = (select(H.review_id, closed_on, H.review_type, H.organisation_code)
            .where(counted(request), began_between((CLOSED,), period.start, request.as_of))
            .group_by(H.review_id, H.review_type, H.organisation_code).order_by(closed_on, H.review_id))
    if limit is not None:
        stmt = stmt.limit(limit + 1)
    found = session.execute(stmt).all()
    truncated = limit is not None and len(found) > limit
    found = found[:limit] if truncated else found
    records = records_as_at(session, [row.review_id for row in found], as_at=request.as_at)
    names = _names(session, request, [row.organisation_code for row in found])
    rows = []
    for rid, closed, rtype, code in found:
        record = records.get(rid, {})
        identifier = record.get("steis_number") or record.get("lfpse_reference") or record.get("local_identifier")
        publication = publication_on(record, request.as_of)
        rows.append([rid, identifier or f"#{rid}", type_short(rtype, request.period.end), code, names.get(code, code),
                     closed,
                     PublicationStatus(publication).label if publication else None, record.get("learning_1"),
                     record.get("learning_2"), record.get("learning_3"), record.get("recommendations")])
    return ReportTable("learning", "Learning and recommendations of the reviews closed in the period",
                       LEARNING_HEADERS, rows, truncated=truncated,
                       note="Rapid reviews that converted are not listed: their learning is recorded on the review "
                            "they became. The texts are as the tracker held them at the as-at day.")
