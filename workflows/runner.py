"""The body every scan task shares: run the service with now=utcnow(), commit, ask the relay to send soon."""

from __future__ import annotations

from flask import current_app
from kombu.exceptions import OperationalError

from app.extensions import db
from app.notifications.jobs import TASKS, run_scan
from app.notifications.settings import NotificationSettings
from app.types import utcnow


def run_scan_task(job: str) -> list[str]:
    """Run one scan job in the task's app context and commit; a failure rolls back and is retried by the next run."""
    try:
        report = run_scan(db.session, job, now=utcnow(), settings=NotificationSettings.from_config(current_app.config))
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    lines = report.lines()
    current_app.logger.info("; ".join(lines))
    if report.queued:
        try:  # send soon rather than at the next relay tick; if the broker is away, the beat's tick does it
            current_app.extensions["celery"].send_task(TASKS["relay"])
        except OperationalError as exc:
            current_app.logger.warning("could not publish the relay task: %s", exc)
    return lines
