"""The jobs by name, shared by the Celery tasks and `flask workflows run`: each is one service call."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from functools import partial

from sqlalchemy.orm import Session

from app.notifications.chasers import send_chasers
from app.notifications.digests import send_digests
from app.notifications.morning import send_daily_notices
from app.notifications.reminders import send_stale_reminders
from app.notifications.settings import NotificationSettings
from app.timezone import LONDON

SCANS: dict[str, Callable] = {
    "daily-notices": send_daily_notices,  # first: `run all` sends the combined email, the next two then find nothing
    "stale-reminders": send_stale_reminders,
    "chasers": send_chasers,
    "weekly-digest": partial(send_digests, kind="weekly"),
    "monthly-digest": partial(send_digests, kind="monthly"),
    "quarterly-digest": partial(send_digests, kind="quarterly"),
}
JOB_NAMES = (*SCANS, "relay")

# The Celery task of each job (the names in config/schedule.py BEAT_SCHEDULE).
TASKS = {
    "daily-notices": "workflows.notices.send_daily_notices",
    "stale-reminders": "workflows.reminders.send_stale_reminders",
    "chasers": "workflows.chasers.send_chasers",
    "weekly-digest": "workflows.digests.send_weekly_digests",
    "monthly-digest": "workflows.digests.send_monthly_digests",
    "quarterly-digest": "workflows.digests.send_quarterly_digests",
    "relay": "workflows.outbox.relay_outbox",
}


def run_scan(session: Session, job: str, *, now: datetime, settings: NotificationSettings):
    """Run one scan job (the caller commits); returns its JobReport."""
    return SCANS[job](session, now=now, settings=settings)


def noon_in_london(day: date) -> datetime:
    """An aware instant on a London calendar day (for `--today`)."""
    return datetime.combine(day, time(12, 0), tzinfo=LONDON)
