"""The morning notices: chases, stale reminders and escalations in one email per person (hourly in working hours;
every run is safe to repeat)."""

from __future__ import annotations

from celery import shared_task

from workflows.runner import run_scan_task


@shared_task(name="workflows.notices.send_daily_notices", acks_late=True)
def send_daily_notices() -> list[str]:
    """Queue today's chases, stale reminders and escalations, one email per person."""
    return run_scan_task("daily-notices")
