"""Reconstructing the status history of reviews that have none (migration 0008, bulk-generated data).

How (docs/REPORTS.md, "How migrated history was reconstructed"): each review opens on its date added, as the
tracker held it at the end of the day it was entered. Its status changes are replayed from the audit trail's
`review.status` events, each dated and known from the day it was recorded: a reopening on that day; a closing
on the closing date the audit trail recorded with it (publication, sign-off when embargoed, decision), else,
for a closing that was later reopened, on the day it was recorded. The last closing takes the review's stored
closing date and decision. The review's type, organisation, ICB and region as recorded, themes and media
interest are today's values on every row: edits of those made before the history was kept are not replayed.
A review with no audit trail (data written straight into the database) gets its current state only.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Connection, Date, and_, case, cast, exists, func, insert, literal, null, select
from sqlalchemy.orm import aliased

from app.audit.models import AuditEvent
from app.reviews.history import (
    CLOSED,
    CONVERTED,
    EVER,
    OPENED,
    StatusInterval,
    dimensions_of,
    plan_spans,
    revise,
    span_of,
)
from app.reviews.models import Review, ReviewTheme
from app.timezone import london_today

BATCH = 500
H = StatusInterval.__table__
R = Review.__table__
STATE = ("id", "status", "review_type", "date_added", "closed_on", "decision_date", "rapid_outcome",
         "converted_to_id", "created_at", "organisation_code", "recorded_icb_code", "recorded_region_code",
         "media_interest", "notification_date")


def _day(value: Any) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else value


def _steps(review: Any, events: list[Any]) -> list[tuple[date, SimpleNamespace]]:
    """(day recorded, the review's state after it) for each status change, the last one the review as stored."""
    status_events = [e for e in events if (e.changes or {}).get("status")]
    steps = []
    if status_events:  # as entered: the status before the first change
        steps.append((london_today(review.created_at), SimpleNamespace(**{
            **dict(review._mapping), "status": status_events[0].changes["status"][0], "closed_on": None,
            "decision_date": None, "rapid_outcome": None})))
    for n, event in enumerate(status_events):
        day = london_today(event.occurred_at)
        to = event.changes["status"][1]
        if n == len(status_events) - 1 and to == review.status:
            break  # the last change: the stored record says it all
        closed_on = _day((event.changes.get("closed_on") or [None, None])[1]) or day
        steps.append((day, SimpleNamespace(**{**dict(review._mapping), "status": to, "closed_on": closed_on,
                                              "decision_date": _day((event.changes.get("decision_date")
                                                                     or [None, None])[1]),
                                              "rapid_outcome": (event.changes.get("rapid_outcome")
                                                                or [None, None])[1]})))
    last_day = london_today(status_events[-1].occurred_at) if status_events else london_today(review.created_at)
    steps.append((max([last_day, *(d for d, _ in steps)]), review))
    return steps


def history_rows(review: Any, themes: list[str], events: list[Any]) -> list[dict[str, Any]]:
    """Every row of one review's reconstructed history (held rows end their knowledge when replaced)."""
    entered = london_today(review.created_at)
    dimensions = dimensions_of(review, themes)
    rows: list[SimpleNamespace] = []
    for day, state in _steps(review, events):
        held = [r for r in rows if r.known_until is None]
        revision = revise(held, plan_spans([span_of(r) for r in held], state, today=day), dimensions,
                          review_id=review.id, today=day, entered=entered)
        for row in revision.ended:
            row.known_until = day
        rows = [r for r in rows if r not in revision.dropped] + [SimpleNamespace(**v) for v in revision.added]
    return [vars(r) for r in rows]


def _entered_on(connection: Connection, column):
    """The day (England) a timestamp falls on, in SQL."""
    if connection.dialect.name == "postgresql":
        return cast(func.timezone("Europe/London", column), Date)
    return func.date(column)  # SQLite: UTC; the day only decides which changes count as made on entry


def rebuild_from_stored(connection: Connection) -> None:
    """In two INSERT ... SELECT statements, the history of every review that has none and no status change in the
    audit trail (an open review, or one entered closed): its opening and, if it is closed, its closing."""
    audit = AuditEvent.__table__
    themes = [aliased(ReviewTheme.__table__) for _ in range(3)]
    no_status_change = ~exists().where(audit.c.review_id == R.c.id, audit.c.action == "review.status")
    lacking = and_(~exists().where(H.c.review_id == R.c.id), no_status_change)
    source = R
    for position, theme in enumerate(themes, start=1):
        source = source.outerjoin(theme, and_(theme.c.review_id == R.c.id, theme.c.position == position))
    closing = case((R.c.closed_on > R.c.date_added, R.c.closed_on), else_=R.c.date_added)
    is_open = R.c.status == "open"
    rapid = R.c.review_type == "RAPID"
    common = [R.c.review_type, R.c.organisation_code, R.c.recorded_icb_code, R.c.recorded_region_code,
              R.c.media_interest, *(t.c.theme_code for t in themes), R.c.notification_date]
    names = ["review_id", "status", "change", "valid_from", "valid_to", "known_from", "known_until", "entered_on",
             "review_type", "organisation_code", "recorded_icb_code", "recorded_region_code", "media_interest",
             "theme_1", "theme_2", "theme_3", "notification_date", "decision_date", "rapid_outcome", "converted_to_id"]
    entered = _entered_on(connection, R.c.created_at)
    opened = select(R.c.id, literal("open"), literal(OPENED), R.c.date_added, case((is_open, null()), else_=closing),
                    literal(EVER), null(), entered, *common, null(), null(), null()).select_from(source).where(lacking)
    closed = select(R.c.id, R.c.status, case((R.c.status == "converted", CONVERTED), else_=CLOSED), closing, null(),
                    literal(EVER), null(), entered, *common, case((rapid, R.c.decision_date)),
                    case((rapid, R.c.rapid_outcome)), case((R.c.status == "converted", R.c.converted_to_id))
                    ).select_from(source).where(
        ~is_open, no_status_change, ~exists().where(H.c.review_id == R.c.id, H.c.change.in_((CLOSED, CONVERTED))))
    connection.execute(insert(H).from_select(names, opened))
    connection.execute(insert(H).from_select(names, closed))  # the reviews just given an opening that are closed


def rebuild_history(connection: Connection) -> int:
    """Write a reconstructed history for every review that has none; returns how many reviews got one (the ones
    with no status change in the audit trail in bulk SQL, the others replayed one by one)."""
    before = connection.scalar(select(func.count(func.distinct(H.c.review_id))))
    rebuild_from_stored(connection)
    have = {rid for (rid,) in connection.execute(select(H.c.review_id).distinct())}
    ids = [rid for (rid,) in connection.execute(select(R.c.id).order_by(R.c.id)) if rid not in have]
    for start in range(0, len(ids), BATCH):
        batch = ids[start:start + BATCH]
        reviews = connection.execute(select(*(R.c[name] for name in STATE)).where(R.c.id.in_(batch))).all()
        themes: dict[int, list[str]] = defaultdict(list)
        theme_table = ReviewTheme.__table__
        for rid, code in connection.execute(select(theme_table.c.review_id, theme_table.c.theme_code)
                                            .where(theme_table.c.review_id.in_(batch))
                                            .order_by(theme_table.c.review_id, theme_table.c.position)):
            themes[rid].append(code)
        audit = AuditEvent.__table__
        events: dict[int, list[Any]] = defaultdict(list)
        for event in connection.execute(select(audit.c.review_id, audit.c.occurred_at, audit.c.changes)
                                        .where(audit.c.review_id.in_(batch), audit.c.action == "review.status")
                                        .order_by(audit.c.review_id, audit.c.occurred_at, audit.c.id)):
            events[event.review_id].append(event)
        rows = [row for review in reviews for row in history_rows(review, themes[review.id], events[review.id])]
        if rows:
            connection.execute(insert(H), rows)
    return connection.scalar(select(func.count(func.distinct(H.c.review_id)))) - before
