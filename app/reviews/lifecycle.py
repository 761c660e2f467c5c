"""The lifecycle of a review: open, closed, converted. The only module that sets status and closed_on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.reviews.fields import label
from app.reviews.models import Review
from app.reviews.rules import Violation
from app.reviews.types import PublicationStatus, RapidOutcome, ReviewStatus, ReviewType


class TransitionRefused(ValueError):
    """A status change that the rules do not allow; the message says why."""


@dataclass(frozen=True)
class Transition:
    """A status change: from, to, and why."""

    from_status: str
    to_status: str
    reason: str


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
        missing.append("Publication is missing: published (public, with the publication date) or embargoed (with an "
                       "embargo review date).")
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


def _move(review: Review, to: ReviewStatus, reason: str, closed_on: date | None) -> Transition:
    transition = Transition(review.status, to.value, reason)
    review.status = to.value
    review.closed_on = closed_on
    return transition


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
    if review.review_type == ReviewType.RAPID:
        review.decision_date = None
        review.rapid_outcome = None
    return _move(review, ReviewStatus.OPEN, f"reopened: {reason.strip()}", None)


def decide_rapid_review(review: Review, *, outcome: RapidOutcome, decision_date: date, today: date) -> Transition:
    """Record a rapid review's decision: it converts to a full review or closes with no further review."""
    _refuse_unless_allowed(review, "decide")
    if decision_date > today:
        raise TransitionRefused("Decision date cannot be in the future.")
    if review.notification_date and decision_date < review.notification_date:
        raise TransitionRefused("Decision date cannot be before the notification date.")
    review.decision_date = decision_date
    review.rapid_outcome = outcome.value
    if outcome == RapidOutcome.NO_FURTHER_REVIEW:
        return _move(review, ReviewStatus.CLOSED, "rapid review decided: no further review", decision_date)
    return _move(review, ReviewStatus.CONVERTED, f"rapid review converted to {outcome.value}", decision_date)
