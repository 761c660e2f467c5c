"""Which status actions a review page offers (Close, Reopen, Decide, Snooze) and, when one is not allowed, why.

The one adapter between the review page and the rules: who may act comes from app/reviews/access.py
(`may_access`: role and scope), what the review's state allows from app/reviews/lifecycle.py (`why_not`, the very
reasons the services refuse with). This module only orders and words the role reasons; the services still decide.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app.people.actor import Actor
from app.people.roles import Permission
from app.reviews import lifecycle
from app.reviews.access import may_access
from app.reviews.models import Review

ACTIONS = lifecycle.ACTIONS
# Each action's permission and, when the role lacks it, what the user is told.
_ROLE_RULES = {
    "close": (Permission.EDIT_REVIEWS, "Your role cannot close reviews."),
    "decide": (Permission.EDIT_REVIEWS, "Your role cannot record a rapid review decision."),
    "reopen": (Permission.REOPEN_REVIEWS, "Only a national admin can reopen a review: ask the national team."),
    "snooze": (Permission.SNOOZE_REMINDERS, "Your role cannot snooze reminders."),
}


@dataclass(frozen=True)
class ActionState:
    """Whether an action is offered; if not, the reasons in the user's words (what is missing)."""

    allowed: bool
    reasons: list[str] = field(default_factory=list)


def action_state(review: Review, actor: Actor, action: str) -> ActionState:
    """One action's state: the review's state reasons first for Reopen (say what would make it possible), the
    role's first otherwise (no point listing missing fields to someone who may not act)."""
    permission, role_reason = _ROLE_RULES[action]
    role = [] if may_access(actor, review, permission) else [role_reason]
    state = lifecycle.why_not(review, action)
    reasons = (state or role) if action == "reopen" else (role or state)
    return ActionState(not reasons, reasons)


def action_states(review: Review, actor: Actor) -> dict[str, ActionState]:
    """Every status action of the review page, by name."""
    return {action: action_state(review, actor, action) for action in ACTIONS}
