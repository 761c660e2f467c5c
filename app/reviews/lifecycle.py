"""The lifecycle of a review: open, closed, converted. The only module that sets status and closed_on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

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


def can_close(review: Review) -> bool:
    """Signed off, and published (date + public) or embargoed (with an embargo review date). Not rapid reviews."""
    if review.review_type == ReviewType.RAPID or not review.signed_off_date:
        return False
    if review.publication_status == PublicationStatus.PUBLIC:
        return review.publication_date is not None
    if review.publication_status == PublicationStatus.EMBARGOED:
        return review.embargo_review_date is not None
    return False


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
    if review.status != ReviewStatus.OPEN:
        raise TransitionRefused(f"Only an open review can be closed; this one is {review.status}.")
    if not can_close(review):
        raise TransitionRefused("A review closes only when its report is signed off and published "
                                "(publication date, public) or embargoed (with an embargo review date).")
    how = "published" if review.publication_status == PublicationStatus.PUBLIC else "embargoed"
    return _move(review, ReviewStatus.CLOSED, f"report signed off and {how}", closing_date(review))


def reopen(review: Review, *, reason: str) -> Transition:
    """Reopen a closed review (national admins only; the caller checks the role). A reason is required."""
    if review.status != ReviewStatus.CLOSED:
        raise TransitionRefused(f"Only a closed review can be reopened; this one is {review.status}.")
    if not (reason or "").strip():
        raise TransitionRefused("Give a reason for reopening the review.")
    if review.review_type == ReviewType.RAPID:
        review.decision_date = None
        review.rapid_outcome = None
    return _move(review, ReviewStatus.OPEN, f"reopened: {reason.strip()}", None)


def decide_rapid_review(review: Review, *, outcome: RapidOutcome, decision_date: date, today: date) -> Transition:
    """Record a rapid review's decision: it converts to a full review or closes with no further review."""
    if review.review_type != ReviewType.RAPID:
        raise TransitionRefused("Only a rapid review has a decision.")
    if review.status != ReviewStatus.OPEN:
        raise TransitionRefused(f"The rapid review is already {review.status}.")
    if decision_date > today:
        raise TransitionRefused("Decision date cannot be in the future.")
    if review.notification_date and decision_date < review.notification_date:
        raise TransitionRefused("Decision date cannot be before the notification date.")
    review.decision_date = decision_date
    review.rapid_outcome = outcome.value
    if outcome == RapidOutcome.NO_FURTHER_REVIEW:
        return _move(review, ReviewStatus.CLOSED, "rapid review decided: no further review", decision_date)
    return _move(review, ReviewStatus.CONVERTED, f"rapid review converted to {outcome.value}", decision_date)
