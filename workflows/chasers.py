"""Deadline chasers (hourly in working hours; every run is safe to repeat)."""

from __future__ import annotations

from celery import shared_task

from workflows.runner import run_scan_task


@shared_task(name="workflows.chasers.send_chasers", acks_late=True)
def send_chasers() -> list[str]:
    """Queue the chasers of deadlines that reached a stage."""
    return run_scan_task("chasers")
