"""Stale-review reminders and escalations (hourly in working hours; every run is safe to repeat)."""

from __future__ import annotations

from celery import shared_task

from workflows.runner import run_scan_task


@shared_task(name="workflows.reminders.send_stale_reminders", acks_late=True)
def send_stale_reminders() -> list[str]:
    """Queue today's stale-review reminders and escalations."""
    return run_scan_task("stale-reminders")
