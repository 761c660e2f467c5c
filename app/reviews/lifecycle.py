"""The lifecycle of a review: open, closed, converted. The only module that sets status and closed_on, and the only
writer of the status history (keep_history, called by every path that changes a review, in its transaction)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from app.reviews.fields import label
from app.reviews.history import StatusInterval, dimensions_of, plan_spans, revise, span_of
from app.reviews.models import Review, ReviewTheme
from app.reviews.rules import Violation
from app.reviews.types import PublicationStatus, RapidOutcome, ReviewStatus, ReviewType
from app.timezone import london_today


class TransitionRefused(ValueError):
    """A status change that the rules do not allow; the message says why."""


@dataclass(frozen=True)
class Transition:
    """A status change: from, to, and why."""

    from_status: str
    to_status: str
    reason: str
    changes: dict[str, list[Any]] = field(default_factory=dict)  # the other fields the change set: [before, after]


def closing_date(review: Review) -> date | None:
    """The date a signed-off review closed: its publication date, else its sign-off date (embargoed)."""
    return review.publication_date or review.signed_off_date


def closing_missing(review: Review) -> list[str]:
    """What a review lacks to be closable: signed off, and published (date + public) or embargoed (with an embargo
    review date). A rapid review never closes this way (it ends with its decision)."""
    if review.review_type == ReviewType.RAPID:
        return ["A rapid review ends with its decision (converted, or no further review), not by closing."]
    missing = [] if review.signed_off_date else [f"{label('signed_off_date')} is missing."]
    if review.publication_status == PublicationStatus.PUBLIC and review.publication_date is None:
        missing.append(f"{label('publication_date')} is missing.")
    elif review.publication_status == PublicationStatus.EMBARGOED and review.embargo_review_date is None:
        missing.append(f"{label('embargo_review_date')} is missing.")
    elif review.publication_status not in (PublicationStatus.PUBLIC, PublicationStatus.EMBARGOED):
        missing.append(f"{label('publication_status')} is not recorded: say whether the report is public (with the "
                       "publication date) or embargoed (with an embargo review date).")
    return missing


def can_close(review: Review) -> bool:
    """Signed off, and published (date + public) or embargoed (with an embargo review date). Not rapid reviews."""
    return not closing_missing(review)


ACTIONS = ("close", "reopen", "decide", "snooze")


def why_not(review: Review, action: str) -> list[str]:
    """The reasons the review's state refuses an action (one of ACTIONS), worded for the user; [] when allowed.

    The transitions below and the services refuse with these very reasons, and a screen may show them beside a
    disabled button ("Close: date published is missing"). Who may act (role, scope) is app/reviews/access.py's.
    """
    if action not in ACTIONS:
        raise ValueError(f"{action!r} is not a review action (actions: {', '.join(ACTIONS)})")
    if action == "close":
        if review.status != ReviewStatus.OPEN and review.review_type != ReviewType.RAPID:
            return [f"Only an open review can be closed; this one is {review.status}."]
        return closing_missing(review)
    if action == "reopen":
        return [] if review.status == ReviewStatus.CLOSED else [
            f"Only a closed review can be reopened; this one is {review.status}."]
    if action == "decide":
        if review.review_type != ReviewType.RAPID:
            return ["Only a rapid review has a decision."]
        return [] if review.status == ReviewStatus.OPEN else [f"The rapid review is already {review.status}."]
    return [] if review.status == ReviewStatus.OPEN else [
        f"Reminders are snoozed only while a review is open; this one is {review.status}."]


def _refuse_unless_allowed(review: Review, action: str) -> None:
    reasons = why_not(review, action)
    if reasons:
        raise TransitionRefused(" ".join(reasons))


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _move(review: Review, to: ReviewStatus, reason: str, closed_on: date | None,
          before: dict[str, Any] | None = None) -> Transition:
    """Set the status and closed_on; the Transition says what changed (the decision fields too, from `before`)."""
    from_status = review.status
    before = {"closed_on": review.closed_on, **(before or {})}
    review.status = to.value
    review.closed_on = closed_on
    changes = {name: [_plain(old), _plain(getattr(review, name))] for name, old in before.items()
               if old != getattr(review, name)}
    return Transition(from_status, to.value, reason, changes)


def after_edit(review: Review, *, was_closable: bool) -> Transition | None:
    """Close an open review whose edit has just made it signed off and published or embargoed."""
    if review.status == ReviewStatus.OPEN and can_close(review) and not was_closable:
        how = "published" if review.publication_status == PublicationStatus.PUBLIC else "embargoed"
        return _move(review, ReviewStatus.CLOSED, f"report signed off and {how}", closing_date(review))
    if review.status == ReviewStatus.CLOSED and review.review_type != ReviewType.RAPID:
        review.closed_on = closing_date(review)
    return None


def edit_violations(review: Review) -> list[Violation]:
    """What an edit may not do to a closed or converted review (checked on the edited record)."""
    out: list[Violation] = []
    if review.status == ReviewStatus.CLOSED and review.review_type != ReviewType.RAPID and not can_close(review):
        out.append(Violation("publication_status",
                             "A closed review must stay signed off and published or embargoed; "
                             "ask a national admin to reopen it first."))
    if review.status == ReviewStatus.CONVERTED and review.review_type != ReviewType.RAPID:
        out.append(Violation("review_type", "A converted rapid review keeps its type."))
    return out


def close(review: Review) -> Transition:
    """Close an open review that is signed off and published or embargoed (e.g. after a reopening)."""
    _refuse_unless_allowed(review, "close")
    how = "published" if review.publication_status == PublicationStatus.PUBLIC else "embargoed"
    return _move(review, ReviewStatus.CLOSED, f"report signed off and {how}", closing_date(review))


def reopen(review: Review, *, reason: str) -> Transition:
    """Reopen a closed review (national admins only; the caller checks the role). A reason is required."""
    _refuse_unless_allowed(review, "reopen")
    if not (reason or "").strip():
        raise TransitionRefused("Give a reason for reopening the review.")
    before = {"decision_date": review.decision_date, "rapid_outcome": review.rapid_outcome}
    if review.review_type == ReviewType.RAPID:
        # The record is open for a new decision; the decision it had stays in the status history.
        review.decision_date = None
        review.rapid_outcome = None
    return _move(review, ReviewStatus.OPEN, f"reopened: {reason.strip()}", None, before)


def decide_rapid_review(review: Review, *, outcome: RapidOutcome, decision_date: date, today: date) -> Transition:
    """Record a rapid review's decision: it converts to a full review or closes with no further review."""
    _refuse_unless_allowed(review, "decide")
    if decision_date > today:
        raise TransitionRefused("Decision date cannot be in the future.")
    if review.notification_date and decision_date < review.notification_date:
        raise TransitionRefused("Decision date cannot be before the notification date.")
    before = {"decision_date": review.decision_date, "rapid_outcome": review.rapid_outcome}
    review.decision_date = decision_date
    review.rapid_outcome = outcome.value
    if outcome == RapidOutcome.NO_FURTHER_REVIEW:
        return _move(review, ReviewStatus.CLOSED, "rapid review decided: no further review", decision_date, before)
    return _move(review, ReviewStatus.CONVERTED, f"rapid review converted to {outcome.value}", decision_date, before)


# --- the status history (app/reviews/history.py): written here only, in the caller's transaction

_STATE = (Review.id, Review.status, Review.review_type, Review.date_added, Review.closed_on, Review.decision_date,
          Review.rapid_outcome, Review.converted_to_id, Review.created_at, Review.organisation_code,
          Review.recorded_icb_code, Review.recorded_region_code, Review.media_interest, Review.notification_date)
_BATCH = 500
H = StatusInterval.__table__


def _batch_plan(session: Session, ids: list[int], today: date) -> tuple[list[dict], list[int], list[int]]:
    """(rows to insert, row ids whose knowledge ends today, row ids recorded today and replaced) for some reviews."""
    reviews = {r.id: r for r in session.execute(select(*_STATE).where(Review.id.in_(ids)))}
    themes: dict[int, list[str]] = defaultdict(list)
    for rid, code in session.execute(select(ReviewTheme.review_id, ReviewTheme.theme_code)
                                     .where(ReviewTheme.review_id.in_(ids))
                                     .order_by(ReviewTheme.review_id, ReviewTheme.position)):
        themes[rid].append(code)
    held: dict[int, list[Any]] = defaultdict(list)
    for row in session.execute(select(H).where(H.c.review_id.in_(ids), H.c.known_until.is_(None))
                               .order_by(H.c.review_id, H.c.valid_from, H.c.id)):
        held[row.review_id].append(row)
    inserts: list[dict] = []
    ended: list[int] = []
    dropped: list[int] = []
    for rid in ids:
        review, current = reviews.get(rid), held.get(rid, [])
        if review is None:  # deleted: every row's knowledge ends
            revision = revise(current, [], None, review_id=rid, today=today,
                              entered=current[0].entered_on if current else today)
        else:
            planned = plan_spans([span_of(r) for r in current], review, today=today)
            revision = revise(current, planned, dimensions_of(review, themes.get(rid, [])), review_id=rid,
                              today=today, entered=london_today(review.created_at))
        inserts += revision.added
        ended += [row.id for row in revision.ended]
        dropped += [row.id for row in revision.dropped]
    return inserts, ended, dropped


def keep_history(session: Session, review_ids: Iterable[int], *, now: datetime) -> None:
    """Bring the status history of these reviews up to date with their records, in the caller's transaction (after
    the change is flushed). Unchanged rows stay; changed ones end their knowledge today (or, recorded today, are
    replaced); a deleted review's rows all end today. Safe to call twice."""
    session.flush()
    today = london_today(now)
    ids = sorted(set(review_ids))
    for start in range(0, len(ids), _BATCH):
        inserts, ended, dropped = _batch_plan(session, ids[start:start + _BATCH], today)
        if dropped:
            session.execute(delete(H).where(H.c.id.in_(dropped)))
        if ended:
            session.execute(update(H).where(H.c.id.in_(ended)).values(known_until=today))
        if inserts:
            session.execute(insert(H), inserts)
