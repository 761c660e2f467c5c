"""The outbox relay (every 30 seconds): send what is pending, retry with backoff, give up after a limit."""

from __future__ import annotations

from celery import shared_task
from flask import current_app

from app.extensions import db
from app.notifications.relay import relay
from app.notifications.settings import NotificationSettings
from app.types import utcnow


@shared_task(name="workflows.outbox.relay_outbox", acks_late=True)
def relay_outbox() -> list[str]:
    """Send pending emails; each is committed as sent right after the SMTP server accepts it."""
    report = relay(db.session, now=utcnow(), settings=NotificationSettings.from_config(current_app.config),
                   now_fn=utcnow)
    current_app.logger.info("; ".join(report.lines()))
    return report.lines()
