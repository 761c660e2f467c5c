"""Writing and reading the audit trail. Every service that changes something calls record()."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.orm import Session

from app.audit.models import AuditEvent
from app.people.actor import Actor

ACTION_LABELS = {
    "review.create": "Created",
    "review.edit": "Edited",
    "review.delete": "Deleted",
    "review.status": "Status changed",
    "review.update": "Update added",
    "review.convert": "Converted",
    "review.snooze": "Reminders snoozed",
    "review.export": "Exported",
    "review.import": "Imported",
    "user.sign_in": "Signed in",
    "user.sign_in_failed": "Failed sign-in",
    "user.create": "User created",
    "user.edit": "User changed",
}


def action_label(action: str) -> str:
    """How an audited action is named on screen."""
    return ACTION_LABELS.get(action, action.replace(".", ": ").replace("_", " "))


_AS_IS = (type(None), str, int, bool, float)


def _plain(value: Any) -> Any:
    if type(value) in _AS_IS:
        return value
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Field-level changes between two snapshots: {field: [before, after]} for fields that differ."""
    changes = {}
    for key in sorted(set(before) | set(after)):
        old, new = _plain(before.get(key)), _plain(after.get(key))
        if old != new:
            changes[key] = [old, new]
    return changes


def pending_changes(obj: Any) -> dict[str, list[Any]]:
    """Field-level before/after of an ORM object's unsaved changes (all fields for a new object)."""
    state = inspect(obj)
    changes: dict[str, list[Any]] = {}
    for attr in state.mapper.column_attrs:
        history = state.attrs[attr.key].history
        if state.transient or state.pending:
            value = getattr(obj, attr.key)
            if value is not None:
                changes[attr.key] = [None, _plain(value)]
        elif history.has_changes():
            old = history.deleted[0] if history.deleted else None
            new = history.added[0] if history.added else None
            changes[attr.key] = [_plain(old), _plain(new)]
    return changes


def record(session: Session, **fields: Any) -> AuditEvent:
    """Append one audit event in the caller's transaction (the fields of event_values; user_id/user_email name the
    user when there is no actor)."""
    event = AuditEvent(**event_values(**fields))
    session.add(event)
    return event


def event_values(
    *,
    action: str,
    actor: Actor | None,
    now: datetime,
    entity: str | None = None,
    entity_id: Any = None,
    review_id: int | None = None,
    review_version: int | None = None,
    changes: dict | None = None,
    detail: str | None = None,
    remote_addr: str | None = None,
    user_id: int | None = None,
    user_email: str | None = None,
) -> dict[str, Any]:
    """The column values of one audit event (what record() adds; a bulk writer inserts many at once)."""
    return dict(
        occurred_at=now,
        action=action,
        actor_id=actor.user_id if actor else user_id,
        actor_email=actor.email if actor else user_email,
        remote_addr=remote_addr or (actor.remote_addr if actor else None),
        entity=entity,
        entity_id=None if entity_id is None else str(entity_id),
        review_id=review_id,
        review_version=review_version,
        changes=changes or None,
        detail=detail,
    )
