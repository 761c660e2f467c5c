"""Which status actions a review page offers (Close, Reopen, Decide, Snooze) and, when one is not allowed, why.

The one adapter between the review page and the lifecycle rules: today it calls app/reviews/lifecycle.py
(`can_close`) and the permission table and words the reasons; when the lifecycle gains a function that returns
the reasons an action is not allowed, switch `_close_reasons` (and the others) to it here and nowhere else.
The services still decide: a refused action is refused by them whatever this module says.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app.people.actor import Actor
from app.people.roles import Permission
from app.reviews.lifecycle import can_close
from app.reviews.models import Review
from app.reviews.types import PublicationStatus, ReviewStatus, ReviewType

ACTIONS = ("close", "decide", "reopen", "snooze")


@dataclass(frozen=True)
class ActionState:
    """Whether an action is offered; if not, the reasons in the user's words (what is missing)."""

    allowed: bool
    reasons: list[str] = field(default_factory=list)


def _status_words(review: Review) -> str:
    return ReviewStatus(review.status).label.lower()


def _not_permitted(actor: Actor, permission: Permission, doing: str) -> list[str]:
    return [] if actor.can(permission) else [f"Your role cannot {doing}."]


def _close_reasons(review: Review) -> list[str]:
    if review.status != ReviewStatus.OPEN:
        return [f"The review is already {_status_words(review)}."]
    if review.review_type == ReviewType.RAPID:
        return ["A rapid review ends with its decision (a full review or no further review), not by closing."]
    if can_close(review):
        return []
    missing = []
    if not review.signed_off_date:
        missing.append("Date report signed off is missing.")
    if review.publication_status == PublicationStatus.PUBLIC and not review.publication_date:
        missing.append("Publication date is missing (the report is public).")
    elif review.publication_status == PublicationStatus.EMBARGOED and not review.embargo_review_date:
        missing.append("Embargo review date is missing (the report is embargoed).")
    elif not review.publication_status:
        missing.append("Public / embargoed is not recorded: say whether the report is public or embargoed.")
    return missing or ["The report must be signed off and published or embargoed."]


def close_state(review: Review, actor: Actor) -> ActionState:
    """Close: an open, non-rapid review signed off and published (or embargoed)."""
    reasons = _not_permitted(actor, Permission.EDIT_REVIEWS, "close reviews") or _close_reasons(review)
    return ActionState(not reasons, reasons)


def decide_state(review: Review, actor: Actor) -> ActionState:
    """Decide: an open rapid review."""
    reasons = _not_permitted(actor, Permission.EDIT_REVIEWS, "record a rapid review decision")
    if not reasons and review.review_type != ReviewType.RAPID:
        reasons = ["Only a rapid review has a decision."]
    elif not reasons and review.status != ReviewStatus.OPEN:
        reasons = [f"The rapid review is already {_status_words(review)}."]
    return ActionState(not reasons, reasons)


def reopen_state(review: Review, actor: Actor) -> ActionState:
    """Reopen: a closed review, by a role that may reopen (national admins)."""
    if review.status != ReviewStatus.CLOSED:
        return ActionState(False, [f"Only a closed review can be reopened; this one is {_status_words(review)}."])
    reasons = [] if actor.can(Permission.REOPEN_REVIEWS) else [
        "Only a national admin can reopen a review: ask the national team."]
    return ActionState(not reasons, reasons)


def snooze_state(review: Review, actor: Actor) -> ActionState:
    """Snooze stale-review reminders: an open review."""
    reasons = _not_permitted(actor, Permission.SNOOZE_REMINDERS, "snooze reminders")
    if not reasons and review.status != ReviewStatus.OPEN:
        reasons = [f"Reminders stop by themselves: the review is {_status_words(review)}."]
    return ActionState(not reasons, reasons)


def action_states(review: Review, actor: Actor) -> dict[str, ActionState]:
    """Every status action of the review page, by name."""
    return {"close": close_state(review, actor), "decide": decide_state(review, actor),
            "reopen": reopen_state(review, actor), "snooze": snooze_state(review, actor)}
