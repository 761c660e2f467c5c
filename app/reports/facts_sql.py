"""A review's facts on a day, in SQL: the same facts as app.reports.records.facts_on, for the reviews whose record
the tracker has not changed since the as-at day (so today's row is the row it held then). The clocks' own SQL form
(app.reviews.clock_queries) is then read over these facts instead of the review table (facts_condition), so a
past day's overdue counts over many reviews are one aggregate query, with no second copy of any clock.

The facts, for a review held at the as-at day C, on day D (as facts_on says them):
- status, and the decision and closing day it closed with: from its status-history row on D;
- every date of something that happens (not DEADLINES) blank when after D;
- public / embargoed as on D (public from its publication date, embargoed from its sign-off date), and the embargo
  review date only while it is so;
- the latest update's date: the newest entry dated on or before D among those recorded by the cut-off.
The cut-off is the end of C, or of the day the review was entered when that is later (a late entry counts as it
stood at the end of that day): the same instant app.reports.records undoes changes from. Reviews with an audited
change to their record after their cut-off are left to the Python form (app.reports.overdue), which undoes those
changes first.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import ColumnElement, and_, case, exists, func, literal, or_, select
from sqlalchemy.sql import Subquery, visitors
from sqlalchemy.sql.util import ClauseAdapter

from app.audit.models import AuditEvent
from app.reports.records import DATE_COLUMNS, DEADLINES, FACT_COLUMNS, RECORD_ACTIONS, end_of
from app.reviews.history import CLOSINGS, StatusInterval
from app.reviews.models import Review, ReviewUpdate
from app.reviews.types import PublicationStatus

H = StatusInterval
REVIEW = Review.__table__


class FactsNotInSql(ValueError):
    """A clock condition reads a review column the SQL facts do not hold (the Python form must be used)."""


def cutoff(as_at: date, late_days: Iterable[date] = ()) -> ColumnElement:
    """Per history row, the instant its review's record is read at: the end of the as-at day, or of the day the
    review was entered when later (`late_days`: the entry days after the as-at day that occur)."""
    instant = AuditEvent.occurred_at.type
    whens = {day: literal(end_of(day), instant) for day in sorted(set(late_days)) if day > as_at}
    if not whens:
        return literal(end_of(as_at), instant)
    return case(whens, value=H.entered_on, else_=literal(end_of(as_at), instant))


def untouched(read_at: ColumnElement) -> ColumnElement[bool]:
    """History rows of reviews with no audited change to their record at or after their cut-off."""
    return ~exists().where(AuditEvent.review_id == H.review_id, AuditEvent.action.in_(RECORD_ACTIONS),
                           AuditEvent.occurred_at >= read_at)


def _publication_on(day: date):
    since = case((REVIEW.c.publication_status == PublicationStatus.PUBLIC.value,
                  func.coalesce(REVIEW.c.publication_date, REVIEW.c.signed_off_date)),
                 else_=REVIEW.c.signed_off_date)
    return case((and_(REVIEW.c.publication_status.is_not(None), or_(since.is_(None), since <= day)),
                 REVIEW.c.publication_status))


def facts_on_day(where: ColumnElement[bool], *, day: date, read_at: ColumnElement) -> Subquery:
    """One row per history row meeting `where` (give it the status-on-D condition): the review's facts on D, its
    latest update read at its cut-off (`read_at`), under the review table's column names."""
    closing = H.change.in_(CLOSINGS)
    publication = _publication_on(day)
    latest = (select(func.max(ReviewUpdate.entry_date))
              .where(ReviewUpdate.review_id == REVIEW.c.id, ReviewUpdate.entry_date <= day,
                     ReviewUpdate.created_at < read_at).scalar_subquery())
    special = {
        "status": H.status, "decision_date": case((closing, H.decision_date)),
        "rapid_outcome": case((closing, H.rapid_outcome)), "closed_on": case((closing, H.valid_from)),
        "latest_update_on": latest, "publication_status": publication,
        "embargo_review_date": case((publication.is_not(None), REVIEW.c.embargo_review_date)),
    }
    columns = []
    for column in FACT_COLUMNS:
        if column.name in special:
            value = special[column.name]
        elif column.name in DEADLINES or column.name not in DATE_COLUMNS:
            value = column
        else:
            value = case((column <= day, column))
        columns.append(value.label(column.name))
    return select(*columns).join_from(H, REVIEW, REVIEW.c.id == H.review_id).where(where).subquery("facts")


def facts_condition(condition: ColumnElement[bool], facts: Subquery) -> ColumnElement[bool]:
    """A condition over the review table (a clock's SQL form) read over the facts instead; FactsNotInSql when it
    reads a column the facts do not hold (rather than silently joining today's review table)."""
    adapted = ClauseAdapter(facts, adapt_on_names=True).traverse(condition)
    left = {c.name for c in visitors.iterate(adapted) if getattr(c, "table", None) is REVIEW}
    if left:
        raise FactsNotInSql(f"the SQL facts lack {sorted(left)}")
    return adapted
