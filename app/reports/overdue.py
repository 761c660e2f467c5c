"""Reviews with an overdue clock: the one definition the reports, the dashboard and the digests count and name.

A review counts once per clock that is past its due date at the end of day D (app.reviews.clocks, with the
review's facts on D), and once under "any clock" however many of its clocks are overdue. Everywhere the number
of reviews is called "reviews with an overdue clock"; where single clocks are listed they are "overdue clocks".

Evaluations of the same clock module, never a copy of it: for today, with the records as they stand, the clocks'
SQL form (app.reviews.clock_queries, which the reviews list filters with too, so the dashboard's links list exactly
the reviews counted); for any other day, each review's facts on that day as the tracker held them at the as-at day,
so an update or closing recorded later changes nothing: in SQL (the clocks' SQL form over app.reports.facts_sql)
for the reviews whose record has not changed since the as-at day, and the clocks' Python form over
app.reports.records.facts_on for the others (entered later, or changed since: their changes are undone first).
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, not_, or_, select
from sqlalchemy.orm import Session

from app.audit.models import AuditEvent
from app.reports.facts_sql import FactsNotInSql, cutoff, facts_condition, facts_on_day, untouched
from app.reports.queries import count_if, counted, status_at
from app.reports.records import end_of, facts_on, latest_updates, records_as_at
from app.reports.request import ReportRequest
from app.reviews.clock_queries import any_overdue_condition, overdue_condition
from app.reviews.clocks import CLOCK_KINDS, CLOCK_LABELS, ClockState, review_clocks
from app.reviews.history import StatusInterval
from app.reviews.models import Review
from app.reviews.types import PublicationStatus, ReviewStatus, ReviewType

H = StatusInterval
ANY = "any"
REVIEWS_OVERDUE = "Reviews with an overdue clock"
ANY_LABEL = "Any clock (reviews with at least one overdue clock)"
OVERDUE_CLOCKS = "Overdue clocks"


def overdue_clocks_in(states: list[ClockState]) -> list[ClockState]:
    """The overdue clocks among a review's clock states: running clocks only (a record check such as the CSPR Panel
    notification, a deadline already met or missed, is never an overdue clock)."""
    return [state for state in states if state.overdue and state.kind in CLOCK_KINDS]


def overdue_label(kind: str) -> str:
    """How a count of one clock's overdue reviews is named ('any' for reviews with at least one)."""
    return ANY_LABEL if kind == ANY else CLOCK_LABELS[kind]


def reads_stored_records(request: ReportRequest) -> bool:
    """Whether the report's 'at end' day is today as held today, so the stored records are the facts."""
    return request.as_of == request.today and request.as_at >= request.today


def _stored(session: Session, request: ReportRequest, clocks: dict) -> dict[str, int]:
    day = request.as_of
    conditions = [overdue_condition(kind, today=day, config=clocks) for kind in CLOCK_KINDS]
    conditions.append(any_overdue_condition(today=day, config=clocks))
    stmt = select(*(count_if(c) for c in conditions)).where(
        counted(request, Review), Review.date_added <= day,
        or_(Review.status == ReviewStatus.OPEN.value, Review.publication_status == PublicationStatus.EMBARGOED.value))
    values = session.execute(stmt).one()
    return {**dict(zip(CLOCK_KINDS, values[:-1], strict=True)), ANY: values[-1]}


SPAN_COLUMNS = (H.review_id, H.status, H.change, H.decision_date, H.rapid_outcome, H.valid_from, H.entered_on)


def _candidates(session: Session, request: ReportRequest, *, only: ColumnElement[bool] | None = None) -> list:
    """History rows (the columns facts_on reads) giving the status on the day of reviews a clock may run for: open,
    or closed and embargoed (embargoed today, or changed since the as-at day, so possibly embargoed then)."""
    day = request.as_of
    changed_since = select(AuditEvent.review_id).where(AuditEvent.occurred_at >= end_of(request.as_at),
                                                       AuditEvent.review_id.is_not(None))
    embargoed = select(Review.id).where(Review.publication_status == PublicationStatus.EMBARGOED.value)
    closed_maybe_embargoed = and_(H.status == ReviewStatus.CLOSED.value, H.review_type != ReviewType.RAPID.value,
                                  or_(H.review_id.in_(embargoed), H.review_id.in_(changed_since)))
    stmt = (select(*SPAN_COLUMNS).where(counted(request), status_at(day),
                                        or_(H.status == ReviewStatus.OPEN.value, closed_maybe_embargoed))
            .order_by(H.review_id))
    if only is not None:
        stmt = stmt.where(only)
    return session.execute(stmt).all()


def _cutoff(session: Session, request: ReportRequest) -> ColumnElement:
    """The instant each counted review's record is read at (facts_sql.cutoff), with the late entry days found."""
    late = session.scalars(select(H.entered_on).distinct().where(counted(request), status_at(request.as_of),
                                                                  H.entered_on > request.as_at))
    return cutoff(request.as_at, late)


def _sql_counts(session: Session, request: ReportRequest, clocks: dict) -> dict[str, int]:
    """The counts over the reviews untouched since the as-at day: the clocks' SQL form over their facts on the day
    (one aggregate query). FactsNotInSql when a clock reads a column the SQL facts lack."""
    day = request.as_of
    embargoed = and_(H.status == ReviewStatus.CLOSED.value, H.review_type != ReviewType.RAPID.value,
                     Review.publication_status == PublicationStatus.EMBARGOED.value)
    read_at = _cutoff(session, request)
    facts = facts_on_day(and_(counted(request), status_at(day), untouched(read_at),
                              or_(H.status == ReviewStatus.OPEN.value, embargoed)), day=day, read_at=read_at)
    conditions = [facts_condition(overdue_condition(kind, today=day, config=clocks), facts) for kind in CLOCK_KINDS]
    conditions.append(or_(*conditions))
    values = session.execute(select(*(count_if(c) for c in conditions)).select_from(facts)).one()
    return {**dict(zip(CLOCK_KINDS, values[:-1], strict=True)), ANY: values[-1]}


def overdue_review_ids(session: Session, request: ReportRequest, clocks: dict,
                       only: ColumnElement[bool] | None = None) -> dict[str, set[int]]:
    """{clock kind, and 'any': the reviews (those meeting `only`, else all) with it overdue at the end of the
    report's day} from the facts on that day (the Python form; any day)."""
    day = request.as_of
    spans = {row.review_id: row for row in _candidates(session, request, only=only)}
    entered = {rid: span.entered_on for rid, span in spans.items()}
    records = records_as_at(session, spans, as_at=request.as_at, entered=entered, facts_only=True)
    latest = latest_updates(session, spans, on=day, as_at=request.as_at, entered=entered, with_text=False)
    found: dict[str, set[int]] = {kind: set() for kind in (*CLOCK_KINDS, ANY)}
    for rid, span in spans.items():
        record = records.get(rid)
        if record is None:
            continue
        entry = latest.get(rid)
        facts = facts_on(record, span, entry[0] if entry else None, day)
        overdue = [clock.kind for clock in overdue_clocks_in(review_clocks(facts, today=day, config=clocks))]
        for kind in overdue:
            found.setdefault(kind, set()).add(rid)
        if overdue:
            found[ANY].add(rid)
    return found


def overdue_counts(session: Session, request: ReportRequest, *, clocks: dict) -> dict[str, int]:
    """{clock kind, and 'any': how many reviews counted by the report have it overdue at the end of its day}."""
    if reads_stored_records(request):
        return _stored(session, request, clocks)
    try:
        counts = _sql_counts(session, request, clocks)
    except FactsNotInSql:  # a clock reads more than the SQL facts hold: every review the Python way
        return {kind: len(ids) for kind, ids in overdue_review_ids(session, request, clocks).items()}
    touched = not_(untouched(_cutoff(session, request)))
    for kind, ids in overdue_review_ids(session, request, clocks, only=touched).items():
        counts[kind] = counts.get(kind, 0) + len(ids)
    return counts
