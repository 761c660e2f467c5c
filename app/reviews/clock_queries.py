"""Clock conditions in SQL: 'overdue' and 'due within N days' as plain, indexable date comparisons.

Every due date is a non-decreasing function of one stored start date (notification date, last activity,
date added, sign-off date, embargo review date). So 'due on or before X' is 'start on or before S(X)',
where S(X) is the latest start whose due date is on or before X, found here in Python. The database
only ever compares a stored date with a constant.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from sqlalchemy import ColumnElement, and_, false, func, or_

from app.reviews.calendar import WorkingDayCalendar, working_days
from app.reviews.clocks import (
    CLOCK_KINDS,
    publication_due,
    qa_decision_due,
    qa_submission_due,
    rapid_review_deadline,
    sign_off_due,
    stale_due,
)
from app.reviews.models import Review
from app.reviews.types import PublicationStatus, ReviewStatus, ReviewType

ONE_DAY = timedelta(days=1)


def latest_start(due: Callable[[date], date], limit: date, estimate: date) -> date:
    """The latest start date whose due date is on or before `limit`, for a non-decreasing `due`."""
    start = estimate
    while due(start) > limit:
        start -= ONE_DAY
    while due(start + ONE_DAY) <= limit:
        start += ONE_DAY
    return start


def last_activity_column():
    """The date the stale clock counts from: the newest update, else the date added."""
    return func.coalesce(Review.latest_update_on, Review.date_added)


def _between(column, due: Callable[[date], date], lo: date | None, hi: date | None, estimate: int) -> ColumnElement:
    """start such that lo <= due(start) <= hi."""
    parts = []
    if hi is not None:
        parts.append(column <= latest_start(due, hi, hi - timedelta(days=estimate)))
    if lo is not None:
        parts.append(column > latest_start(due, lo - ONE_DAY, lo - ONE_DAY - timedelta(days=estimate)))
    return and_(column.is_not(None), *parts)


def clock_due_condition(
    kind: str,
    *,
    config: dict,
    due_from: date | None = None,
    due_to: date | None = None,
    calendar: WorkingDayCalendar | None = None,
) -> ColumnElement[bool]:
    """Reviews whose clock `kind` is running and falls due between two dates (either end may be open)."""
    calendar = calendar or working_days()
    is_open = Review.status == ReviewStatus.OPEN.value
    if kind in CLOCK_KINDS and kind not in config:
        return false()  # a configuration without this clock (an older override) runs none of it
    if kind == "rapid_review_due":
        return and_(
            is_open,
            Review.review_type == ReviewType.RAPID.value,
            Review.decision_date.is_(None),
            _between(Review.notification_date, lambda d: rapid_review_deadline(d, config, calendar),
                     due_from, due_to, 21),
        )
    if kind == "stale":
        return and_(
            is_open,
            Review.review_type.in_(config["stale"]["applies_to"]),
            _between(last_activity_column(), lambda d: stale_due(d, config), due_from, due_to,
                     config["stale"]["days"]),
        )
    if kind == "sign_off_expected":
        per_type = []
        for rtype, months in config["sign_off_expected"]["months_by_type"].items():
            per_type.append(
                and_(
                    Review.review_type == rtype,
                    _between(Review.date_added, lambda d, t=rtype: sign_off_due(d, t, config),
                             due_from, due_to, months * 31),
                )
            )
        return and_(is_open, Review.signed_off_date.is_(None), or_(*per_type) if per_type else false())
    if kind in ("qa_submission", "qa_decision"):
        submitted = kind == "qa_decision"
        column = func.coalesce(Review.qa_feedback_date, Review.qa_submitted_date) if submitted else \
            Review.signed_off_date
        due, days = ((lambda d: qa_decision_due(d, config), config["qa_decision"]["days_after_submission"])
                     if submitted else
                     (lambda d: qa_submission_due(d, config), config["qa_submission"]["days_after_sign_off"]))
        return and_(
            is_open,
            Review.signed_off_date.is_not(None),
            Review.publication_status.is_(None),
            Review.review_type.in_(config[kind]["applies_to"]),
            Review.qa_submitted_date.is_not(None) if submitted else Review.qa_submitted_date.is_(None),
            Review.qa_approved_date.is_(None),
            _between(column, due, due_from, due_to, days),
        )
    if kind == "publication_chase":
        chase = config["publication_chase"]
        after_qa = [t for t in chase["applies_to"] if t in chase.get("after_qa_approval", ())]
        after_sign_off = [t for t in chase["applies_to"] if t not in after_qa]
        due, days = (lambda d: publication_due(d, config)), chase["days_after_sign_off"]
        return and_(
            is_open,
            Review.publication_status.is_(None),
            or_(
                and_(Review.review_type.in_(after_sign_off),
                     _between(Review.signed_off_date, due, due_from, due_to, days)),
                and_(Review.review_type.in_(after_qa), Review.signed_off_date.is_not(None),
                     _between(Review.qa_approved_date, due, due_from, due_to, days)),
            ),
        )
    if kind == "embargo_review":
        return and_(
            Review.publication_status == PublicationStatus.EMBARGOED.value,
            Review.review_type.in_(config["embargo_review"]["applies_to"]),
            _between(Review.embargo_review_date, lambda d: d, due_from, due_to, 0),
        )
    raise ValueError(f"unknown clock {kind!r}")


def overdue_condition(kind: str, *, today: date, config: dict) -> ColumnElement[bool]:
    """Reviews whose clock `kind` is past its due date today."""
    return clock_due_condition(kind, config=config, due_to=today - ONE_DAY)


def due_within_condition(kind: str, *, today: date, days: int, config: dict) -> ColumnElement[bool]:
    """Reviews whose clock `kind` is not yet overdue and falls due within the next `days` days."""
    return clock_due_condition(kind, config=config, due_from=today, due_to=today + timedelta(days=days))


def any_overdue_condition(*, today: date, config: dict) -> ColumnElement[bool]:
    """Reviews with at least one overdue clock."""
    return or_(*(overdue_condition(k, today=today, config=config) for k in CLOCK_KINDS))


def any_due_within_condition(*, today: date, days: int, config: dict) -> ColumnElement[bool]:
    """Reviews with at least one clock falling due within the next `days` days (not yet overdue)."""
    return or_(*(due_within_condition(k, today=today, days=days, config=config) for k in CLOCK_KINDS))
