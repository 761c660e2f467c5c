"""Rapid reviews in a period: decisions, conversions to CSPR / SAR / DHR, and working days to decision."""

from __future__ import annotations

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from app.reports.queries import active_between, added_between, count_if, counted, open_at
from app.reports.request import ReportRequest
from app.reports.tables import ReportTable
from app.reviews.calendar import working_days
from app.reviews.models import Review
from app.reviews.types import RapidOutcome, ReviewStatus, ReviewType

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

    One query groups the decisions by (notification date, decision date); the working days of each distinct
    pair come from the England and Wales calendar (app.reviews.calendar), so the work grows with the number
    of distinct date pairs (at most a few thousand a year), not with the number of reviews.
    """
    period = request.period
    stmt = (select(Review.notification_date, Review.decision_date, func.count())
            .where(counted(request), Review.review_type == ReviewType.RAPID.value,
                   Review.decision_date.between(period.start, period.end))
            .group_by(Review.notification_date, Review.decision_date))
    calendar = working_days()
    # Every rapid review has a notification date (app.reviews.rules); a row without one is left out of the median.
    return [(calendar.working_days_between(notified, decided), n) for notified, decided, n in session.execute(stmt)
            if notified is not None]


def rapid_reviews(session: Session, request: ReportRequest, *, clocks: dict) -> ReportTable:
    """The rapid review figures of a period (one counting query, one query of decision date pairs)."""
    period = request.period
    decided = Review.decision_date.between(period.start, period.end)

    def converted_to(outcome: RapidOutcome):
        """Decided in the period and converted to this kind of review."""
        return and_(decided, Review.status == ReviewStatus.CONVERTED.value, Review.rapid_outcome == outcome.value)

    stmt = select(
        count_if(added_between(period.start, period.end)),
        count_if(decided),
        *(count_if(converted_to(o)) for o in CONVERSIONS),
        count_if(and_(decided, Review.rapid_outcome == RapidOutcome.NO_FURTHER_REVIEW.value)),
        count_if(open_at(request.as_of)),
    ).where(counted(request), Review.review_type == ReviewType.RAPID.value,
            active_between(period.start, period.end))
    added, decided_n, cspr, sar, dhr, nfr, awaiting = session.execute(stmt).one()
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
        ["Converted to a Domestic Homicide Review (DHR)", dhr],
        ["Converted (all)", converted],
        ["No further review", nfr],
        ["Conversion rate (% of decisions)", rate],
        ["Median working days from notification to decision", weighted_median(days)],
        [f"Decided within {limit} working days of notification", within],
        ["Awaiting a decision at end", awaiting],
    ]
    return ReportTable("rapid", "Rapid reviews", ["Measure", "Value"], rows,
                       note="Decisions are counted in the period of their decision date. Working days exclude "
                            "weekends and England and Wales bank holidays; a decision on the day of notification "
                            "is 0 working days.")
