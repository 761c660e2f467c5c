"""A user's own email preferences: digests on or off (statutory deadline emails cannot be turned off)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from app.audit.service import record
from app.people.actor import Actor
from app.people.models import User


def set_digests(session: Session, *, user: User, enabled: bool, actor: Actor, now: datetime) -> bool:
    """Turn the user's digests on or off (audited); returns whether anything changed."""
    if actor.user_id != user.id:
        raise PermissionError("a user can only change their own email preferences")
    if bool(user.digests_enabled) == bool(enabled):
        return False
    before = bool(user.digests_enabled)
    user.digests_enabled = bool(enabled)
    session.flush()
    record(session, action="user.digests", actor=actor, now=now, entity="user", entity_id=user.id,
           changes={"digests_enabled": [before, bool(enabled)]},
           detail="digests turned on" if enabled else "digests turned off")
    return True
