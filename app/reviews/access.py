"""Which reviews an actor may see: the one scoping rule for every query that reads reviews."""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from app.orgs.scope import Scope
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
