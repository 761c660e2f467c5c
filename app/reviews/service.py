"""Creating, editing and deleting reviews: every path (form, import, command line) goes through here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from types import SimpleNamespace
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.audit.service import diff, record
from app.orgs.hierarchy import RecordedHierarchy, UnknownOrganisation, resolve_on
from app.people.actor import Actor, NotAllowed, require
from app.people.roles import Permission
from app.privacy.guard import check_fields
from app.reviews import lifecycle
from app.reviews.fields import FIELD_LABELS, FREE_TEXT_FIELDS, IDENTIFIER_FIELDS, label
from app.reviews.models import Review, ReviewTheme
from app.reviews.references import ReferenceData, SessionReferences, reference_violations
from app.reviews.rules import ReviewInput, Violation, validate
from app.timezone import london_today

SNAPSHOT_EXTRA = ("status", "closed_on", "decision_date", "rapid_outcome", "recorded_icb_code", "recorded_region_code")


class ReviewRejected(ValueError):
    """The review breaks one or more rules; nothing was saved."""

    def __init__(self, violations: list[Violation]):
        super().__init__("; ".join(v.message for v in violations))
        self.violations = violations


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


def snapshot(review: Review) -> dict[str, Any]:
    """The review's editable fields and state, for audit before/after and conflict messages."""
    values = {name: getattr(review, name) for name in ReviewInput.field_names() if name != "themes"}
    values["themes"] = review.theme_codes
    for name in SNAPSHOT_EXTRA:
        values[name] = getattr(review, name)
    return values


def input_from_review(review: Review) -> ReviewInput:
    """The review's current values as a ReviewInput (to pre-fill a form or merge an import)."""
    values = {name: getattr(review, name) for name in ReviewInput.field_names() if name != "themes"}
    return ReviewInput(**values, themes=review.theme_codes)


def privacy_violations(data: ReviewInput) -> list[Violation]:
    """Patient-identifiable data found in the identifier and free-text fields (never echoing the value)."""
    texts = {name: getattr(data, name) for name in IDENTIFIER_FIELDS + FREE_TEXT_FIELDS}
    findings = check_fields(texts, labels=FIELD_LABELS, identifier_fields=IDENTIFIER_FIELDS)
    return [Violation(f.field, f.message) for f in findings]


def check_input(
    session: Session, data: ReviewInput, *, actor: Actor, today: date, review: Review | None = None
) -> list[Violation]:
    """Every rule a review's data breaks: field rules, reference data, scope, duplicates and the PII guard."""
    return check_with(SessionReferences(session), data, actor=actor, today=today,
                      review_id=review.id if review is not None else None)


def check_with(refs: ReferenceData, data: ReviewInput, *, actor: Actor, today: date,
               review_id: int | None = None) -> list[Violation]:
    """check_input with the reference data looked up by `refs` (the database, or a cache for many reviews)."""
    data = data.normalised()
    return validate(data, today=today) + reference_violations(refs, data, actor, review_id) + privacy_violations(data)


def apply_input(target: Any, data: ReviewInput, entry: RecordedHierarchy) -> None:
    """Copy the input's fields (not the themes) onto a review or draft, with the ICB and region as recorded."""
    for name in ReviewInput.field_names():
        if name != "themes":
            setattr(target, name, getattr(data, name))
    target.recorded_organisation_name = entry.location_name
    target.recorded_icb_code = entry.icb_code
    target.recorded_icb_name = entry.icb_name
    target.recorded_region_code = entry.region_code
    target.recorded_region_name = entry.region_name
    target.recorded_vintage = entry.valid_from


def _apply(session: Session, review: Review, data: ReviewInput) -> None:
    """Copy the input onto the row, re-deriving the ICB and region as recorded for the date added."""
    entry = resolve_on(session, data.organisation_code, data.date_added)
    if [t.theme_code for t in review.themes] != data.themes:
        review.themes.clear()
        session.flush()
        for position, code in enumerate(data.themes, start=1):
            review.themes.append(ReviewTheme(position=position, theme_code=code))
    apply_input(review, data, entry)


def type_change_violations(review: Any, data: ReviewInput) -> list[Violation]:
    """A closed or converted review keeps its type."""
    if review.status != "open" and data.review_type != review.review_type:
        return [Violation("review_type", "The type of a closed or converted review cannot change.")]
    if review.partnership_id is not None and data.partnership_id is None:
        return [Violation("partnership_id", "Safeguarding partnership / board / CSP is required once recorded.")]
    return []


def judged_edit(review: Any, data: ReviewInput, violations: list[Violation]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The review's snapshot and the state an edit proposes, or ReviewRejected with every broken rule (the field and
    reference `violations` already found, a type change after closing, then the lifecycle's edit rules)."""
    violations = violations + type_change_violations(review, data)
    if violations:
        raise ReviewRejected(violations)
    before = snapshot(review)
    proposed = proposed_state(before, data)
    lifecycle_violations = lifecycle.edit_violations(SimpleNamespace(**proposed))
    if lifecycle_violations:
        raise ReviewRejected(lifecycle_violations)
    return before, proposed


def proposed_state(before: dict[str, Any], data: ReviewInput) -> dict[str, Any]:
    """A review's snapshot with the edited fields replaced (what the lifecycle judges an edit by)."""
    return {**before, **{n: getattr(data, n) for n in ReviewInput.field_names()}}


def create_review(session: Session, *, data: ReviewInput, actor: Actor, now: datetime) -> Review:
    """Create a review (status open, or closed straight away when signed off and published/embargoed)."""
    require(actor, Permission.EDIT_REVIEWS)
    data = data.normalised()
    violations = check_input(session, data, actor=actor, today=london_today(now))
    if violations:
        raise ReviewRejected(violations)
    review = Review(status="open", created_by_id=actor.user_id, created_at=now, updated_at=now, themes=[])
    try:
        _apply(session, review, data)
    except UnknownOrganisation as exc:
        raise ReviewRejected([Violation("organisation_code", str(exc))]) from None
    session.add(review)
    session.flush()
    record(session, action="review.create", actor=actor, now=now, entity="review", entity_id=review.id,
           review_id=review.id, review_version=review.version, changes=diff({}, snapshot(review)))
    transition = lifecycle.after_edit(review, was_closable=False)
    if transition:
        session.flush()
        record_transition(session, review, transition, actor=actor, now=now)
    return review


def changes_since(session: Session, review: Review, version: int) -> tuple[list[str], set[str]]:
    """Who changed the review after a version, and which fields they changed (from the audit trail)."""
    from app.audit.models import AuditEvent

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
    session: Session, *, review: Review, expected_version: int | None, data: ReviewInput, actor: Actor, now: datetime
) -> Review:
    """Save an edit of a review the actor can see, refusing stale versions and broken rules."""
    require(actor, Permission.EDIT_REVIEWS)
    data = data.normalised()
    check_version(session, review, expected_version, yours=vars(data))
    before, proposed = judged_edit(review, data, check_input(session, data, actor=actor, today=london_today(now),
                                                              review=review))
    if not diff(before, proposed):
        return review
    was_closable = lifecycle.can_close(review)
    with session.no_autoflush:
        _apply(session, review, data)
    transition = lifecycle.after_edit(review, was_closable=was_closable)
    changes = diff(before, snapshot(review))
    review.updated_at = now
    session.flush()
    record(session, action="review.edit", actor=actor, now=now, entity="review", entity_id=review.id,
           review_id=review.id, review_version=review.version, changes=changes)
    if transition:
        record_transition(session, review, transition, actor=actor, now=now)
    return review


def record_transition(session: Session, review: Review, transition, *, actor: Actor, now: datetime) -> None:
    """Write a status change to the audit trail."""
    record(session, action="review.status", actor=actor, now=now, entity="review", entity_id=review.id,
           review_id=review.id, review_version=review.version, **transition_audit(transition))


def transition_audit(transition) -> dict[str, Any]:
    """The audit trail's changes and detail for a status change."""
    return {"changes": {"status": [transition.from_status, transition.to_status]}, "detail": transition.reason}


def delete_review(
    session: Session, *, review: Review, expected_version: int | None, actor: Actor, now: datetime
) -> None:
    """Delete a review (national admins), keeping its last state in the audit trail."""
    require(actor, Permission.DELETE_REVIEWS)
    if not actor.scope.covers_location(review.organisation_code):
        raise NotAllowed("the review is outside your scope")
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


def count_reviews(session: Session) -> int:
    """How many reviews exist (all scopes; for commands and checks)."""
    return session.scalar(select(func.count(Review.id))) or 0
