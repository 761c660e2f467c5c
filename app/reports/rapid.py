"""Rapid reviews in a period: decisions, conversions to CSPR / SAR / DHR, and working days to decision."""

from __future__ import annotations

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session, aliased

from app.reports.queries import (
    H,
    closed_between,
    count_if,
    counted,
    held,
    in_period,
    open_at,
    opened_between,
)
from app.reports.request import ReportRequest
from app.reports.tables import ReportTable
from app.reviews.calendar import working_days
from app.reviews.history import CONVERTED
from app.reviews.types import RapidOutcome, ReviewStatus, ReviewType, type_label, type_short

CONVERSIONS = (RapidOutcome.CSPR, RapidOutcome.SAR, RapidOutcome.DHR)


def weighted_median(counts: list[tuple[int, int]]) -> float | None:
    """The median of values given as (value, how many times); the mean of the middle two for an even total."""
    ordered = sorted((v, n) for v, n in counts if n > 0)
    total = sum(n for _, n in ordered)
    if total == 0:
        return None
    wanted = [(total - 1) // 2, total // 2]  # 0-based positions of the middle value(s)
    found: list[int] = []
    seen = 0
    for value, n in ordered:
        while wanted and wanted[0] < seen + n:
            found.append(value)
            wanted.pop(0)
        seen += n
    return sum(found) / 2


def decision_days(session: Session, request: ReportRequest) -> list[tuple[int, int]]:
    """(working days from notification to decision, how many rapid reviews) for decisions in the period.

    A decision counts in the period its closing falls in (closed_between: the decision date, or the date added
    when the decision came first). One query groups those decisions by (notification date, decision date); the
    working days of each distinct pair come from the England and Wales calendar (app.reviews.calendar), so the
    work grows with the number of distinct date pairs (at most a few thousand a year), not with the number of
    reviews.
    """
    period = request.period
    stmt = (select(H.notification_date, H.decision_date, func.count())
            .where(counted(request), H.review_type == ReviewType.RAPID.value,
                   closed_between(period.start, request.as_of), H.decision_date.is_not(None))
            .group_by(H.notification_date, H.decision_date))
    calendar = working_days()
    # Every rapid review has a notification date (app.reviews.rules); a row without one is left out of the median.
    return [(calendar.working_days_between(notified, decided), n) for notified, decided, n in session.execute(stmt)
            if notified is not None]


def rapid_reviews(session: Session, request: ReportRequest, *, clocks: dict) -> ReportTable:
    """The rapid review figures of a period (one counting query, one query of decision date pairs)."""
    period = request.period
    decided = closed_between(period.start, request.as_of)

    def converted_to(outcome: RapidOutcome):
        """Decided in the period and converted to this kind of review."""
        return and_(decided, H.status == ReviewStatus.CONVERTED.value, H.rapid_outcome == outcome.value)

    stmt = select(
        count_if(opened_between(period.start, request.as_of)),
        count_if(decided),
        *(count_if(converted_to(o)) for o in CONVERSIONS),
        count_if(and_(decided, H.status == ReviewStatus.CLOSED.value)),
        count_if(open_at(request.as_of)),
    ).where(counted(request), H.review_type == ReviewType.RAPID.value, in_period(period.start, request.as_of))
    added, decided_n, cspr, sar, dhr, nfr, awaiting = session.execute(stmt).one()
    became = opened_from_rapid_reviews(session, request)
    converted = cspr + sar + dhr
    days = decision_days(session, request)
    limit = clocks["rapid_review_due"]["working_days"]
    within = sum(n for d, n in days if d <= limit)
    rate = round(100 * converted / decided_n, 1) if decided_n else None
    rows = [
        ["Rapid reviews added in the period", added],
        ["Rapid reviews decided in the period", decided_n],
        ["Converted to a Child Safeguarding Practice Review (CSPR)", cspr],
        ["Converted to a Safeguarding Adult Review (SAR)", sar],
        [f"Converted to a {type_label('DHR', period.end)} ({type_short('DHR', period.end)})", dhr],  # as named then
        ["Converted (all)", converted],
        ["No further review", nfr],
        ["Conversion rate (% of decisions)", rate],
        ["Median working days from notification to decision", weighted_median(days)],
        [f"Decided within {limit} working days of notification", within],
        ["Awaiting a decision at end", awaiting],
        ["Reviews opened from a rapid review (also in Opened)", became],
    ]
    return ReportTable("rapid", "Rapid reviews", ["Measure", "Value"], rows,
                       note="Decisions are counted in the period of their decision date (or of the date added, for a "
                            "decision recorded as made before the rapid review was added). Working days exclude "
                            "weekends and England and Wales bank holidays; a decision on the day of notification "
                            "is 0 working days.")


def opened_from_rapid_reviews(session: Session, request: ReportRequest) -> int:
    """Reviews opened in the period that a rapid review converted into (as held at the as-at day): each is a new
    review of its own type, so it counts in 'Opened', and its rapid review counts as converted."""
    period = request.period
    conversion = aliased(H)
    became = select(conversion.converted_to_id).where(held(request.as_at, conversion), conversion.change == CONVERTED,
                                                      conversion.converted_to_id.is_not(None))
    stmt = select(func.count()).where(counted(request), opened_between(period.start, request.as_of),
                                      H.review_id.in_(became))
    return session.scalar(stmt) or 0
