"""Who may see and change which reviews: the one scoping rule for queries, and the one check every review service
calls before it reads or changes a review."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from app.orgs.scope import Scope
from app.people.actor import Actor, NotAllowed, require
from app.people.roles import Permission
from app.reviews.models import Review


class ReviewNotFound(LookupError):
    """No such review in the actor's scope (an out-of-scope review is reported exactly like a missing one)."""


def in_scope(scope: Scope):
    """The SQL condition limiting reviews to a scope."""
    return scope.location_clause(Review.organisation_code)


def scoped_reviews(scope: Scope) -> Select:
    """SELECT reviews within a scope."""
    return select(Review).where(in_scope(scope))


def load_review(session: Session, review_id: int | str | None, scope: Scope, *, for_update: bool = False) -> Review:
    """The review with this id if it lies in the scope; ReviewNotFound otherwise."""
    try:
        rid = int(review_id)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ReviewNotFound("no such review") from None
    query = scoped_reviews(scope).where(Review.id == rid)
    if for_update:
        query = query.with_for_update()
    review = session.scalar(query)
    if review is None:
        raise ReviewNotFound("no such review")
    return review


def require_review_access(actor: Actor, review: Any, permission: Permission) -> None:
    """Refuse (NotAllowed) unless the actor's role has `permission` and the review's organisation is in their scope.

    Every service that reads or changes a review calls this first, whatever path (screen, import, command line,
    job) called the service; the admin screens ask the same question through `may_access`.
    """
    require(actor, permission)
    if not actor.scope.covers_location(review.organisation_code):
        raise NotAllowed("the review is outside your scope")


def may_access(actor: Actor | None, review: Any, permission: Permission) -> bool:
    """Whether `require_review_access` would let the actor through (for showing or hiding a button)."""
    if actor is None:
        return False
    try:
        require_review_access(actor, review, permission)
    except NotAllowed:
        return False
    return True
