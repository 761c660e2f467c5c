"""Retrying a failed email (national admins): the permission check and the audit live here, not in the screen."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from app.audit.service import record
from app.notifications.models import FAILED, OutboxMessage
from app.notifications.relay import retry_failed
from app.people.actor import Actor, require
from app.people.roles import Permission


class RetryRefused(ValueError):
    """The email cannot be retried (it has not failed); nothing changed."""


def retry_email(session: Session, *, message: OutboxMessage, actor: Actor, now: datetime) -> None:
    """Put a failed email back in the queue with a fresh attempt count, audited (the caller commits)."""
    require(actor, Permission.MANAGE_OUTBOX)
    if message.status != FAILED:
        raise RetryRefused("Only a failed email can be retried.")
    retry_failed(session, message, now=now)
    record(session, action="outbox.retry", actor=actor, now=now, entity="outbox_message", entity_id=message.id,
           changes={"status": [FAILED, message.status]},
           detail=f"retry email #{message.id} to {message.recipient_address}")
