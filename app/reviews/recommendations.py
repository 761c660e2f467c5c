"""Recommendations tracked as actions after publication: owner organisation, target date, status, evidence."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import Session

from app.audit.service import diff, record
from app.people.actor import Actor
from app.people.roles import Permission
from app.privacy.guard import check_fields
from app.reviews.access import ReviewNotFound, require_review_access
from app.reviews.models import RecommendationAction, Review
from app.reviews.planning import mark_saved
from app.reviews.rules import Violation
from app.reviews.service import ReviewRejected, check_version
from app.timezone import london_today

LABELS = {"recommendation": "Recommendation", "owner_organisation": "Owner organisation", "evidence": "Evidence",
          "status": "Status", "target_date": "Target date"}


def _snapshot(action: RecommendationAction) -> dict:
    return {k: getattr(action, k) for k in LABELS}


def why_not_track(review: Review) -> list[str]:
    """Why the review's recommendations cannot be tracked as actions yet ([] once published or embargoed)."""
    return [] if review.publication_status else [
        "Recommendations are tracked as actions once the report is published or embargoed."]


def _check(review: Review, values: dict, actor: Actor, *, now: datetime) -> None:
    require_review_access(actor, review, Permission.EDIT_REVIEWS)
    problems = [Violation("recommendation", reason) for reason in why_not_track(review)]
    for name in ("recommendation", "owner_organisation"):
        if not (values.get(name) or "").strip():
            problems.append(Violation(name, f"{LABELS[name]} is required."))
    if values.get("status") not in RecommendationAction.STATUSES:
        problems.append(Violation("status", f"Status must be one of: {', '.join(RecommendationAction.STATUSES)}."))
    texts = {k: values.get(k) for k in ("recommendation", "owner_organisation", "evidence")}
    problems += [Violation(f.field, f.message) for f in check_fields(texts, labels=LABELS, today=london_today(now))]
    if problems:
        raise ReviewRejected(problems)


def add_action(
    session: Session, *, review: Review, recommendation: str, owner_organisation: str, target_date: date | None,
    status: str, evidence: str | None, actor: Actor, now: datetime, expected_version: int | None,
) -> RecommendationAction:
    """Track one recommendation of a published review as an action."""
    values = {"recommendation": recommendation, "owner_organisation": owner_organisation, "target_date": target_date,
              "status": status or "not started", "evidence": evidence}
    _check(review, values, actor, now=now)
    check_version(session, review, expected_version)
    action = RecommendationAction(
        review=review, recommendation=recommendation.strip(), owner_organisation=owner_organisation.strip(),
        target_date=target_date, status=values["status"], evidence=(evidence or "").strip() or None, updated_at=now,
    )
    session.add(action)
    mark_saved(review, now=now)
    session.flush()
    record(session, action="review.recommendation", actor=actor, now=now, entity="recommendation_action",
           entity_id=action.id, review_id=review.id, review_version=review.version,
           changes=diff({}, _snapshot(action)), detail="recommendation tracked as an action")
    return action


def update_action(
    session: Session, *, review: Review, action_id: int | str, status: str, evidence: str | None,
    target_date: date | None, actor: Actor, now: datetime, expected_version: int | None,
) -> RecommendationAction:
    """Change an action's status, evidence or target date (the action must belong to the review)."""
    require_review_access(actor, review, Permission.EDIT_REVIEWS)
    action = next((a for a in review.actions if str(a.id) == str(action_id)), None)
    if action is None:
        raise ReviewNotFound("no such action on this review")
    values = {**_snapshot(action), "status": status, "evidence": evidence, "target_date": target_date}
    _check(review, values, actor, now=now)
    check_version(session, review, expected_version)
    before = _snapshot(action)
    action.status, action.evidence, action.target_date = status, (evidence or "").strip() or None, target_date
    changes = diff(before, _snapshot(action))
    if not changes:
        return action
    action.updated_at = now
    mark_saved(review, now=now)
    session.flush()
    record(session, action="review.recommendation", actor=actor, now=now, entity="recommendation_action",
           entity_id=action.id, review_id=review.id, review_version=review.version, changes=changes,
           detail="recommendation action updated")
    return action
