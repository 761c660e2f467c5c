"""Status actions on a review: decide a rapid review (convert or close), close, reopen, snooze reminders."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from app.audit.service import record
from app.people.actor import Actor, NotAllowed, require
from app.people.roles import Permission
from app.reviews import lifecycle
from app.reviews.models import Review
from app.reviews.rules import ReviewInput, Violation
from app.reviews.service import (
    ReviewRejected,
    check_version,
    create_review,
    input_from_review,
    record_transition,
)
from app.reviews.types import COMMISSIONING_KIND, RapidOutcome, ReviewType
from app.timezone import london_today


def _guard(review: Review, actor: Actor, permission: Permission) -> None:
    require(actor, permission)
    if not actor.scope.covers_location(review.organisation_code):
        raise NotAllowed("the review is outside your scope")


def suggested_identifier(review: Any, outcome: RapidOutcome) -> str | None:
    """A local identifier for the review a rapid review becomes (the rapid review's, with the new type)."""
    return f"{review.local_identifier}-{outcome.value}"[:60] if review.local_identifier else None


def decide_rapid_review(
    session: Session,
    *,
    review: Review,
    outcome: RapidOutcome,
    decision_date: date,
    actor: Actor,
    now: datetime,
    expected_version: int | None,
    new_local_identifier: str | None = None,
    into: Review | None = None,
    becomes: ReviewType | None = None,
    partnership_id: int | None = None,
) -> Review | None:
    """Record a rapid review's decision; on conversion create the new review pre-filled, of the sub-type `becomes`
    (SAR mandatory or discretionary, DHR or DHR child; default the first), or link `into`, an existing review it
    became (e.g. on import), and link both ways. `partnership_id`: the new review's commissioning partnership when it
    is not the rapid review's (a SAR goes to the Safeguarding Adults Board, a DHR to the Community Safety
    Partnership)."""
    _guard(review, actor, Permission.EDIT_REVIEWS)
    check_version(session, review, expected_version)
    if becomes is not None and becomes not in outcome.family:
        raise ReviewRejected([Violation("becomes", f"A {outcome.label.lower()} decision cannot become a "
                                                   f"{ReviewType(becomes).label}.")])
    if into is not None:
        check_conversion_target(review, into, outcome, actor, origin_ids=[o.id for o in into.converted_from])
    try:
        transition = lifecycle.decide_rapid_review(review, outcome=outcome, decision_date=decision_date,
                                                   today=london_today(now))
    except lifecycle.TransitionRefused as exc:
        raise ReviewRejected([Violation("decision_date", str(exc))]) from None
    created = None
    if outcome.becomes is not None and into is not None:
        created = into
    elif outcome.becomes is not None:
        data = conversion_input(input_from_review(review), review, outcome, decision_date, new_local_identifier,
                                becomes=becomes)
        kept = review.partnership is not None and review.partnership.kind == COMMISSIONING_KIND.get(
            ReviewType(data.review_type), review.partnership.kind)
        data.partnership_id = partnership_id or (data.partnership_id if kept else None)
        created = create_review(session, data=data, actor=actor, now=now)
    if created is not None:
        review.converted_to_id = created.id
    review.updated_at = now
    session.flush()
    record_transition(session, review, transition, actor=actor, now=now)
    if created is not None:
        record(session, action="review.convert", actor=actor, now=now, entity="review", entity_id=review.id,
               review_id=review.id, review_version=review.version, **convert_audit(created.id))
    return created


def conversion_input(data: ReviewInput, review: Any, outcome: RapidOutcome, decision_date: date,
                     new_local_identifier: str | None = None, *, becomes: ReviewType | None = None) -> ReviewInput:
    """The review a rapid review becomes, pre-filled from the rapid review's input (as the form does).

    The caller keeps the partnership only when it is of the kind that commissions the new type."""
    data.review_type = (becomes or outcome.becomes).value
    data.notification_date = None
    data.incident_learned_date = None
    data.date_added = decision_date
    data.local_identifier = new_local_identifier or suggested_identifier(review, outcome)
    return data


def convert_audit(created_id: int) -> dict[str, Any]:
    """The audit trail's changes and detail for a rapid review linked to the review it became."""
    return {"changes": {"converted_to_id": [None, created_id]}, "detail": f"became review #{created_id}"}


def check_conversion_target(review: Any, into: Any, outcome: RapidOutcome, actor: Actor, *,
                            origin_ids: list[int]) -> None:
    """The review a rapid review became must be of the decided type, in scope, and not linked to another one
    (origin_ids: the rapid reviews already converted into it)."""
    if outcome.becomes is None:
        raise ReviewRejected([Violation("converted_to_id", "A rapid review with no further review does not become "
                                                           "another review.")])
    if not actor.scope.covers_location(into.organisation_code):
        raise NotAllowed("the review it became is outside your scope")
    if into.id == review.id or into.review_type not in outcome.family:
        names = " or ".join(ReviewType(t).label for t in outcome.family)
        raise ReviewRejected([Violation("converted_to_id", f"The review it became must be a {names}.")])
    if any(origin != review.id for origin in origin_ids):
        raise ReviewRejected([Violation("converted_to_id", "The review it became is already linked to another "
                                                           "rapid review.")])


def close_review(
    session: Session, *, review: Review, actor: Actor, now: datetime, expected_version: int | None
) -> None:
    """Close an open review whose report is signed off and published or embargoed."""
    _guard(review, actor, Permission.EDIT_REVIEWS)
    check_version(session, review, expected_version)
    try:
        transition = lifecycle.close(review)
    except lifecycle.TransitionRefused as exc:
        raise ReviewRejected([Violation("status", str(exc))]) from None
    review.updated_at = now
    session.flush()
    record_transition(session, review, transition, actor=actor, now=now)


def reopen_review(
    session: Session, *, review: Review, reason: str, actor: Actor, now: datetime, expected_version: int | None
) -> None:
    """Reopen a closed review with a reason (national admins)."""
    _guard(review, actor, Permission.REOPEN_REVIEWS)
    check_version(session, review, expected_version)
    try:
        transition = lifecycle.reopen(review, reason=reason)
    except lifecycle.TransitionRefused as exc:
        raise ReviewRejected([Violation("reason", str(exc))]) from None
    review.updated_at = now
    session.flush()
    record_transition(session, review, transition, actor=actor, now=now)


def snooze_reminders(
    session: Session,
    *,
    review: Review,
    until: date | None,
    reason: str,
    actor: Actor,
    now: datetime,
    expected_version: int | None,
) -> None:
    """Pause stale-review reminders until a date, with a reason (None lifts the snooze)."""
    _guard(review, actor, Permission.SNOOZE_REMINDERS)
    check_version(session, review, expected_version)
    today = london_today(now)
    reason = (reason or "").strip()
    if until is not None:
        if until <= today:
            raise ReviewRejected([Violation("until", "Snooze until must be a date after today.")])
        if (until - today).days > 180:
            raise ReviewRejected([Violation("until", "Reminders can be snoozed for at most 180 days.")])
        if not reason:
            raise ReviewRejected([Violation("reason", "Give a reason for snoozing the reminders.")])
    before = [review.snoozed_until, review.snooze_reason]
    review.snoozed_until, review.snooze_reason = until, (reason or None) if until else None
    review.updated_at = now
    session.flush()
    record(session, action="review.snooze", actor=actor, now=now, entity="review", entity_id=review.id,
           review_id=review.id, review_version=review.version,
           changes={"snoozed_until": [before[0].isoformat() if before[0] else None,
                                      until.isoformat() if until else None]},
           detail=reason or "snooze lifted")
