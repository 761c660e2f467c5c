"""Review records as the tracker held them at the end of a day, and their facts on a day (for clocks as at D).

- The record held at the end of day C: today's row with every audited change recorded after C undone (newest
  first, from the append-only audit trail's before/after values). A review entered after C is read as it stood
  at the end of the day it was entered; a review deleted since is rebuilt from the audit trail.
- The latest update as at (D, C): the newest timeline entry dated on or before D (entry date, then entry order)
  among the entries recorded by the end of C (or of the day the review was entered, when that is later).
- Facts on day D: the held record with the status history's status on D (and the decision it closed with), the
  latest update as at D, and every date of something that happens (sign-off, publication, a decision, any date
  a new stage adds) cleared when it falls after D; dates that are deadlines (DEADLINES) are kept. The clocks
  (app.reviews.clocks.review_clocks) read these facts, so a new clock works as at any day with no change here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Boolean, Date, Integer, String, Text, null, select
from sqlalchemy.orm import Session

from app.audit.models import AuditEvent
from app.reviews.history import CLOSINGS, StatusInterval
from app.reviews.models import Review, ReviewTheme, ReviewUpdate
from app.reviews.types import PublicationStatus
from app.timezone import LONDON, london_today

BATCH = 2000
REVIEW = Review.__table__
DATE_COLUMNS = frozenset(c.name for c in REVIEW.columns if isinstance(c.type, Date))
# What a clock can read: every date, number, flag and short code of the record (no names, no free text), so a clock
# a new stage adds over a new date column is read as at any day with no change here.
FACT_COLUMNS = tuple(c for c in REVIEW.columns if isinstance(c.type, Date | Boolean | Integer)
                     or (isinstance(c.type, String) and not isinstance(c.type, Text) and (c.type.length or 99) <= 20))
# Dates that are deadlines or bookkeeping rather than something that happened: kept on every day.
DEADLINES = frozenset({"date_added", "recorded_vintage", "embargo_review_date", "snoozed_until"})
# Audited actions whose before/after values are the review's own fields.
RECORD_ACTIONS = ("review.edit", "review.status", "review.convert", "review.delete")


def end_of(day: date) -> datetime:
    """The instant a tracker day (England) ends, as an aware UTC time."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=LONDON).astimezone(UTC)


def _value(name: str, value: Any) -> Any:
    if name in DATE_COLUMNS and isinstance(value, str):
        return date.fromisoformat(value)
    return value


def _undo(record: dict[str, Any], changes: dict | None) -> None:
    for name, (before, _after) in (changes or {}).items():
        record[name] = list(before or []) if name == "themes" else _value(name, before)


def _batches(ids: Iterable[int]) -> Iterable[list[int]]:
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), BATCH):
        yield ordered[start:start + BATCH]


def entered_days(session: Session, ids: list[int]) -> dict[int, date]:
    """The day each review was entered (from its history, which outlives a deleted review)."""
    rows = session.execute(select(StatusInterval.review_id, StatusInterval.entered_on)
                           .where(StatusInterval.review_id.in_(ids)).distinct())
    return dict(rows.all())


def records_as_at(session: Session, ids: Iterable[int], *, as_at: date, entered: dict[int, date] | None = None,
                  facts_only: bool = False) -> dict[int, dict[str, Any]]:
    """{review id: its record (every review column, and `themes` as codes in order)} as held at the end of a day
    (`entered`: the day each was entered, when the caller has it from the history). `facts_only`: just what a clock
    can read (FACT_COLUMNS, no themes), for counting clocks over many reviews."""
    out: dict[int, dict[str, Any]] = {}
    columns = FACT_COLUMNS if facts_only else tuple(REVIEW.columns)
    names = [c.name for c in columns]
    for batch in _batches(ids):
        entered = entered if entered is not None else entered_days(session, batch)
        records = {row[0]: dict(zip(names, row, strict=True))
                   for row in session.execute(select(*columns).where(REVIEW.c.id.in_(batch)))}
        if not facts_only:
            themes: dict[int, list[str]] = defaultdict(list)
            for rid, code in session.execute(select(ReviewTheme.review_id, ReviewTheme.theme_code)
                                             .where(ReviewTheme.review_id.in_(batch))
                                             .order_by(ReviewTheme.review_id, ReviewTheme.position)):
                themes[rid].append(code)
            for rid, record in records.items():
                record["themes"] = themes.get(rid, [])
        earliest = end_of(min([as_at, *entered.values()]))
        events = session.execute(
            select(AuditEvent.review_id, AuditEvent.occurred_at, AuditEvent.action, AuditEvent.changes)
            .where(AuditEvent.review_id.in_(batch), AuditEvent.action.in_(RECORD_ACTIONS),
                   AuditEvent.occurred_at >= earliest)
            .order_by(AuditEvent.review_id, AuditEvent.occurred_at.desc(), AuditEvent.id.desc()))
        for event in events:
            rid = event.review_id
            cutoff = end_of(max(as_at, entered.get(rid, as_at)))
            if event.occurred_at < cutoff:
                continue
            if event.action == "review.delete":  # its last state: the delete's "before" values (None left out)
                records[rid] = {**dict.fromkeys(names), "id": rid, "themes": []}
            if rid in records:
                _undo(records[rid], event.changes)
        out.update(records)
    return out


def latest_updates(session: Session, ids: Iterable[int], *, on: date, as_at: date,
                   entered: dict[int, date] | None = None, with_text: bool = True) -> dict[int, tuple[date, str]]:
    """{review id: (entry date, text)} of the newest timeline entry dated on or before `on`, among those recorded by
    the end of `as_at` (or of the day the review was entered, if later). `with_text=False`: the text is not read
    (None), for the stale clock over many reviews."""
    out: dict[int, tuple[date, str]] = {}
    text_column = ReviewUpdate.text if with_text else null()
    for batch in _batches(ids):
        entered = entered if entered is not None else entered_days(session, batch)
        rows = session.execute(
            select(ReviewUpdate.review_id, ReviewUpdate.entry_date, ReviewUpdate.created_at, text_column)
            .where(ReviewUpdate.review_id.in_(batch), ReviewUpdate.entry_date <= on)
            .order_by(ReviewUpdate.review_id, ReviewUpdate.entry_date.desc(), ReviewUpdate.id.desc()))
        for rid, entry_date, created_at, text in rows:
            if rid in out:
                continue
            if london_today(created_at) <= max(as_at, entered.get(rid, as_at)):
                out[rid] = (entry_date, text)
    return out


def publication_on(record: dict[str, Any], day: date) -> str | None:
    """Whether the report was public or embargoed on a day: from its publication date (public) or its sign-off date
    (embargoed, or public with no date), when that is on or before the day."""
    status = record.get("publication_status")
    if not status:
        return None
    since = record.get("publication_date") if status == PublicationStatus.PUBLIC else None
    since = since or record.get("signed_off_date")
    return status if since is None or since <= day else None


def facts_on(record: dict[str, Any], span: Any, latest_update_on: date | None, day: date) -> SimpleNamespace:
    """The review as it stood on a day: status and decision from its history row for that day, dates of what
    happened after the day cleared (see the module docstring), publication as on the day."""
    facts = dict(record)
    for name in DATE_COLUMNS - DEADLINES:
        if facts.get(name) is not None and facts[name] > day:
            facts[name] = None
    closing = span.change in CLOSINGS
    facts.update(status=span.status, decision_date=span.decision_date if closing else None,
                 rapid_outcome=span.rapid_outcome if closing else None,
                 closed_on=span.valid_from if closing else None, latest_update_on=latest_update_on,
                 publication_status=publication_on(record, day))
    if facts["publication_status"] is None:
        facts["embargo_review_date"] = None
    return SimpleNamespace(**facts)
