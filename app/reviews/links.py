"""Joint and linked reviews: reviews of one incident (a SAR and a DHR, a cross-border review), linked both ways.

Scope decides what a user is told. Linking needs both reviews in the actor's scope. A review's page names only the
linked reviews the viewer may see; the others are counted ("1 linked review outside your area"), never identified,
so a cross-border partner review is known to exist without revealing its identifiers, organisation or type. The
duplicate warning on entry names only reviews in the actor's scope.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, delete, or_, select
from sqlalchemy.orm import Session

from app.audit.service import record
from app.orgs.scope import Scope
from app.people.actor import Actor, NotAllowed, require
from app.people.roles import Permission
from app.reviews.access import in_scope
from app.reviews.models import Review, ReviewLink
from app.reviews.rules import SaveWarning, Violation

LINK_REASONS = {
    "joint": "Joint review of one incident (e.g. a SAR and a DHR)",
    "cross_border": "Cross-border review (the same incident reviewed in another area)",
    "related": "Related incident",
}


class LinkRefused(ValueError):
    """A link that the rules do not allow; the message says why."""

    def __init__(self, message: str):
        super().__init__(message)
        self.violations = [Violation("linked_review_id", message)]


@dataclass(frozen=True)
class LinkedReviews:
    """What a viewer is told about a review's links: the ones in scope, and how many others there are."""

    visible: list[tuple[Review, str]]
    hidden: int


def _pair(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def _other_id(link: ReviewLink, review_id: int) -> int:
    return link.linked_review_id if link.review_id == review_id else link.review_id


def link_reviews(session: Session, *, review: Review, other: Review, reason: str, actor: Actor,
                 now: datetime) -> ReviewLink:
    """Link two reviews of one incident (both in the actor's scope), audited on both."""
    require(actor, Permission.EDIT_REVIEWS)
    for r in (review, other):
        if not actor.scope.covers_location(r.organisation_code):
            raise NotAllowed("the review is outside your scope")
    if reason not in LINK_REASONS:
        raise LinkRefused("Choose why the reviews are linked.")
    if review.id == other.id:
        raise LinkRefused("A review cannot be linked to itself.")
    low, high = _pair(review.id, other.id)
    if session.scalar(select(ReviewLink.id).where(ReviewLink.review_id == low,
                                                  ReviewLink.linked_review_id == high)) is not None:
        raise LinkRefused(f"Review #{other.id} is already linked to this review.")
    link = ReviewLink(review_id=low, linked_review_id=high, reason=reason, created_at=now,
                      created_by_id=actor.user_id)
    session.add(link)
    session.flush()
    for this, that in ((review, other), (other, review)):
        record(session, action="review.link", actor=actor, now=now, entity="review", entity_id=this.id,
               review_id=this.id, review_version=this.version, changes={"linked_reviews": [None, that.id]},
               detail=f"linked to review #{that.id}: {LINK_REASONS[reason]}")
    return link


def unlink_reviews(session: Session, *, review: Review, other: Review, actor: Actor, now: datetime) -> None:
    """Remove the link between two reviews (both in the actor's scope), audited on both."""
    require(actor, Permission.EDIT_REVIEWS)
    for r in (review, other):
        if not actor.scope.covers_location(r.organisation_code):
            raise NotAllowed("the review is outside your scope")
    low, high = _pair(review.id, other.id)
    removed = session.execute(delete(ReviewLink).where(ReviewLink.review_id == low,
                                                       ReviewLink.linked_review_id == high)).rowcount
    if not removed:
        raise LinkRefused(f"Review #{other.id} is not linked to this review.")
    for this, that in ((review, other), (other, review)):
        record(session, action="review.unlink", actor=actor, now=now, entity="review", entity_id=this.id,
               review_id=this.id, review_version=this.version, changes={"linked_reviews": [that.id, None]},
               detail=f"link to review #{that.id} removed")


def linked_reviews(session: Session, review: Review, scope: Scope) -> LinkedReviews:
    """The reviews linked to a review that the scope may see (with the reason), and a count of the others."""
    links = session.scalars(select(ReviewLink).where(or_(ReviewLink.review_id == review.id,
                                                         ReviewLink.linked_review_id == review.id))).all()
    reasons = {_other_id(link, review.id): LINK_REASONS.get(link.reason, link.reason) for link in links}
    if not reasons:
        return LinkedReviews([], 0)
    seen = session.scalars(select(Review).where(Review.id.in_(reasons), in_scope(scope)).order_by(Review.id)).all()
    return LinkedReviews([(r, reasons[r.id]) for r in seen], len(reasons) - len(seen))


def possible_duplicates(session: Session, *, review: Review, scope: Scope) -> list[Review]:
    """Reviews in scope that look like the same incident: the same incident date and the same organisation or
    partnership, or the same StEIS number / LFPSE reference under another type or organisation (not yet linked)."""
    same_incident = and_(Review.incident_date == review.incident_date,
                         or_(Review.organisation_code == review.organisation_code,
                             and_(Review.partnership_id.is_not(None), Review.partnership_id == review.partnership_id))
                         ) if review.incident_date else None
    shared = [getattr(Review, name) == getattr(review, name) for name in ("steis_number", "lfpse_reference")
              if getattr(review, name)]
    conditions = [c for c in (same_incident, *shared) if c is not None]
    if not conditions:
        return []
    linked = {_other_id(link, review.id) for link in session.scalars(select(ReviewLink).where(
        or_(ReviewLink.review_id == review.id, ReviewLink.linked_review_id == review.id)))}
    origin = {r.id for r in review.converted_from} | ({review.converted_to_id} if review.converted_to_id else set())
    found = session.scalars(select(Review).where(or_(*conditions), in_scope(scope), Review.id != review.id)
                            .order_by(Review.id).limit(20)).all()
    return [r for r in found if r.id not in linked and r.id not in origin]


def duplicate_warnings(session: Session, *, review: Review, scope: Scope) -> list[SaveWarning]:
    """The duplicate warning shown after a save: which reviews in scope look like the same incident."""
    found = possible_duplicates(session, review=review, scope=scope)
    if not found:
        return []
    names = ", ".join(f"#{r.id} ({r.identifier})" for r in found[:5])
    more = f" and {len(found) - 5} more" if len(found) > 5 else ""
    return [SaveWarning("linked_reviews", f"Possible duplicate: review {names}{more} has the same incident date and "
                                          "organisation or partnership, or the same StEIS / LFPSE number. If it is "
                                          "another review of the same incident, link them on the review's page; if it "
                                          "is the same review, delete one.")]
