"""The update timeline: entries are appended, never edited; the newest is the review's latest update."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.service import record
from app.people.actor import Actor
from app.people.roles import Permission
from app.privacy.guard import check_fields
from app.reviews.access import require_review_access
from app.reviews.models import Review, ReviewUpdate
from app.reviews.planning import mark_saved
from app.reviews.rules import Violation
from app.reviews.service import ReviewRejected, check_version
from app.timezone import london_today

MAX_UPDATE_LENGTH = 4000


def checked_entry(review: Any, *, text: str | None, entry_date: date | None, today: date) -> tuple[str, date]:
    """A timeline entry's text (trimmed) and date (today when blank), or ReviewRejected with every broken rule."""
    entry_date = entry_date or today
    text = (text or "").strip()
    violations: list[Violation] = []
    if not text:
        violations.append(Violation("text", "Update text is required."))
    elif len(text) > MAX_UPDATE_LENGTH:
        violations.append(Violation("text", f"Update text must be at most {MAX_UPDATE_LENGTH} characters."))
    if entry_date > today:
        violations.append(Violation("entry_date", "Update date cannot be in the future."))
    if entry_date < review.date_added:
        violations.append(Violation("entry_date", "Update date cannot be before the date the review was added."))
    violations += [Violation(f.field, f.message) for f in check_fields({"text": text}, labels={"text": "Update"},
                                                                       today=today)]
    if violations:
        raise ReviewRejected(violations)
    return text, entry_date


def update_audit(entry_date: date) -> dict[str, Any]:
    """The audit trail's changes and detail for a new timeline entry."""
    return {"changes": {"latest_update_on": [None, entry_date.isoformat()]},
            "detail": f"timeline entry dated {entry_date}"}


def add_update(
    session: Session,
    *,
    review: Review,
    text: str,
    entry_date: date | None,
    actor: Actor,
    now: datetime,
    expected_version: int | None,
) -> ReviewUpdate:
    """Append a timeline entry (checked for patient-identifiable data) and make it the latest if newest."""
    require_review_access(actor, review, Permission.POST_UPDATES)
    check_version(session, review, expected_version)
    text, entry_date = checked_entry(review, text=text, entry_date=entry_date, today=london_today(now))
    update = ReviewUpdate(review=review, entry_date=entry_date, text=text, author_id=actor.user_id,
                          author_label=actor.label, created_at=now)
    session.add(update)
    session.flush()
    newest = session.scalar(
        select(ReviewUpdate).where(ReviewUpdate.review_id == review.id)
        .order_by(ReviewUpdate.entry_date.desc(), ReviewUpdate.id.desc()).limit(1)
    )
    review.latest_update_id = newest.id
    review.latest_update_on = newest.entry_date
    mark_saved(review, now=now)
    session.flush()
    record(session, action="review.update", actor=actor, now=now, entity="review_update", entity_id=update.id,
           review_id=review.id, review_version=review.version, **update_audit(entry_date))
    return update


def timeline(session: Session, review: Review, *, actor: Actor) -> list[ReviewUpdate]:
    """A review's timeline, newest first (for an actor who may read the review)."""
    require_review_access(actor, review, Permission.READ_REVIEWS)
    return list(
        session.scalars(
            select(ReviewUpdate).where(ReviewUpdate.review_id == review.id)
            .order_by(ReviewUpdate.entry_date.desc(), ReviewUpdate.id.desc())
        )
    )
