"""Weekly, monthly and quarterly digests (daily; one per person and period, so a repeat sends nothing)."""

from __future__ import annotations

from celery import shared_task

from workflows.runner import run_scan_task


@shared_task(name="workflows.digests.send_weekly_digests", acks_late=True)
def send_weekly_digests() -> list[str]:
    """Queue this week's digests for designated professionals."""
    return run_scan_task("weekly-digest")


@shared_task(name="workflows.digests.send_monthly_digests", acks_late=True)
def send_monthly_digests() -> list[str]:
    """Queue last month's digests for regional leads and national admins."""
    return run_scan_task("monthly-digest")


@shared_task(name="workflows.digests.send_quarterly_digests", acks_late=True)
def send_quarterly_digests() -> list[str]:
    """Queue last NHS quarter's digests for regional leads and national admins."""
    return run_scan_task("quarterly-digest")
