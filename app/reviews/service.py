"""Creating, editing and deleting reviews: every path (form, import, command line) goes through here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.models import AuditEvent
from app.audit.service import diff, record
from app.orgs.hierarchy import resolve_on
from app.people.actor import Actor, require
from app.people.roles import Permission
from app.reviews import lifecycle
from app.reviews.access import require_review_access
from app.reviews.fields import label
from app.reviews.models import Review, ReviewTheme
from app.reviews.planning import (  # noqa: F401 (re-exported: the judging step lives in planning.py)
    ReviewRejected,
    Tolerance,
    apply_input,
    carry_out,
    check_with,
    judged_edit,
    mark_saved,
    plan_save,
    privacy_violations,
    proposed_state,
    snapshot,
    type_change_violations,
)
from app.reviews.references import SessionReferences
from app.reviews.rules import ReviewInput, Violation
from app.timezone import london_today


@dataclass(frozen=True)
class ChangedField:
    """A field someone else changed since the user opened the review."""

    field: str
    label: str
    theirs: Any
    yours: Any


class EditConflict(RuntimeError):
    """The review changed since the user opened it; their save is refused and nothing is overwritten."""

    def __init__(self, review: Review, changed: list[ChangedField], by: list[str]):
        who = ", ".join(sorted(set(by))) or "someone else"
        super().__init__(f"This review was changed by {who} after you opened it. Nothing was saved.")
        self.review = review
        self.changed = changed
        self.by = by


def input_from_review(review: Review) -> ReviewInput:
    """The review's current values as a ReviewInput (to pre-fill a form or merge an import)."""
    values = {name: getattr(review, name) for name in ReviewInput.field_names() if name != "themes"}
    return ReviewInput(**values, themes=review.theme_codes)


def check_input(
    session: Session, data: ReviewInput, *, actor: Actor, today: date, review: Review | None = None
) -> list[Violation]:
    """Every rule a review's data breaks: field rules, reference data, scope, duplicates and the PII guard."""
    return check_with(SessionReferences(session), data, actor=actor, today=today,
                      review_id=review.id if review is not None else None)


def _resolver(session: Session):
    return lambda code, on: resolve_on(session, code, on)


def _theme_setter(session: Session, review: Review):
    """Replace a review's themes (the old rows are deleted first: (review, position) is their key)."""
    def set_themes(codes: list[str]) -> None:
        if review.themes:
            review.themes.clear()
            session.flush()
        review.themes.extend(ReviewTheme(position=p, theme_code=code) for p, code in enumerate(codes, start=1))
    return set_themes


def create_review(session: Session, *, data: ReviewInput, actor: Actor, now: datetime,
                  tolerate: Tolerance | None = None) -> Review:
    """Create a review (status open, or closed straight away when signed off and published/embargoed). Only the
    import passes `tolerate` (planning.Tolerance): required fields it lacks leave the review to complete."""
    require(actor, Permission.EDIT_REVIEWS)
    plan = plan_save(SessionReferences(session), data, actor=actor, today=london_today(now),
                     resolve=_resolver(session), tolerate=tolerate)
    review = Review(created_by_id=actor.user_id, created_at=now, themes=[])
    outcome = carry_out(review, plan, now=now, set_themes=_theme_setter(session, review))
    session.add(review)
    session.flush()
    record(session, action="review.create", actor=actor, now=now, entity="review", entity_id=review.id,
           review_id=review.id, review_version=review.version, changes=outcome.changes)
    if outcome.transition:
        record_transition(session, review, outcome.transition, actor=actor, now=now)
    else:
        lifecycle.keep_history(session, [review.id], now=now)
    return review


def changes_since(session: Session, review: Review, version: int) -> tuple[list[str], set[str]]:
    """Who changed the review after a version, and which fields they changed (from the audit trail)."""
    events = session.scalars(
        select(AuditEvent).where(AuditEvent.review_id == review.id, AuditEvent.review_version > version)
    ).all()
    fields: set[str] = set()
    for event in events:
        fields.update((event.changes or {}).keys())
    return [e.actor_email or "system" for e in events], fields


def check_version(
    session: Session, review: Review, expected_version: int | None, yours: dict[str, Any] | None = None
) -> None:
    """Refuse (EditConflict) when the review is no longer at the version the user opened."""
    if expected_version is None or int(expected_version) == review.version:
        return
    by, fields = changes_since(session, review, int(expected_version))
    current = snapshot(review)
    changed = [
        ChangedField(name, label(name), current.get(name), (yours or {}).get(name))
        for name in sorted(fields) if name in current
    ]
    raise EditConflict(review, changed, by)


def update_review(
    session: Session, *, review: Review, expected_version: int | None, data: ReviewInput, actor: Actor, now: datetime,
    tolerate: Tolerance | None = None,
) -> Review:
    """Save an edit of a review the actor may edit (role and scope), refusing stale versions and broken rules; the
    organisation it moves to must be in the actor's scope too."""
    require_review_access(actor, review, Permission.EDIT_REVIEWS)
    check_version(session, review, expected_version, yours=vars(data.normalised()))
    plan = plan_save(SessionReferences(session), data, actor=actor, today=london_today(now),
                     resolve=_resolver(session), review=review, tolerate=tolerate)
    if plan is None:
        return review
    with session.no_autoflush:
        outcome = carry_out(review, plan, now=now, set_themes=_theme_setter(session, review))
    session.flush()
    record(session, action="review.edit", actor=actor, now=now, entity="review", entity_id=review.id,
           review_id=review.id, review_version=review.version, changes=outcome.changes)
    if outcome.transition:
        record_transition(session, review, outcome.transition, actor=actor, now=now)
    else:
        lifecycle.keep_history(session, [review.id], now=now)
    return review


def record_transition(session: Session, review: Review, transition, *, actor: Actor, now: datetime) -> None:
    """Write a status change to the audit trail."""
    record(session, action="review.status", actor=actor, now=now, entity="review", entity_id=review.id,
           review_id=review.id, review_version=review.version, **transition_audit(transition))
    lifecycle.keep_history(session, [review.id], now=now)


def transition_audit(transition) -> dict[str, Any]:
    """The audit trail's changes and detail for a status change (the status, and the fields the change set)."""
    return {"changes": {"status": [transition.from_status, transition.to_status], **transition.changes},
            "detail": transition.reason}


def delete_review(
    session: Session, *, review: Review, expected_version: int | None, actor: Actor, now: datetime
) -> None:
    """Delete a review (national admins), keeping its last state in the audit trail."""
    require_review_access(actor, review, Permission.DELETE_REVIEWS)
    check_version(session, review, expected_version)
    if review.converted_from:
        raise ReviewRejected([Violation("id", "This review was converted from a rapid review; delete is refused "
                                              "while the rapid review links to it.")])
    before = snapshot(review)
    rid, version = review.id, review.version
    review.latest_update_id = None
    session.flush()
    session.delete(review)
    session.flush()
    record(session, action="review.delete", actor=actor, now=now, entity="review", entity_id=rid,
           review_id=rid, review_version=version + 1, changes=diff(before, {}))
    lifecycle.keep_history(session, [rid], now=now)
