"""Background job schedule (Europe/London) and notification policy knobs."""

from celery.schedules import crontab

# Jobs are declared as data with deterministic names. Every scan queries for what is due and writes each
# email under a unique key, so running it again (a second delivery, a catch-up, a manual run) sends nothing
# twice: the scans run every hour of the working day, and a missed run is caught up by the next one.
# Times avoid 01:00-02:00 Europe/London (summer-time changes). Exactly ONE beat process runs this schedule.
WORKING_HOURS = "7-19"
BEAT_SCHEDULE: dict = {
    "outbox-relay": {"task": "workflows.outbox.relay_outbox", "schedule": 30.0},
    # Chases, stale reminders and escalations in ONE email per person (app/notifications/morning.py): the first run of
    # the day sends the morning email, later runs only what newly fell due. The separate `stale-reminders` and
    # `chasers` jobs still exist (same notice keys) for `flask workflows run`, but are not scheduled.
    "daily-notices": {"task": "workflows.notices.send_daily_notices",
                      "schedule": crontab(minute=5, hour=WORKING_HOURS)},
    # Digests report on this week / the last complete month / the last complete NHS quarter; one per person and
    # period, so the daily run only sends on the first run of a period (Monday, the 1st) or catches one up.
    "weekly-digest": {"task": "workflows.digests.send_weekly_digests", "schedule": crontab(minute=30, hour=7)},
    "monthly-digest": {"task": "workflows.digests.send_monthly_digests", "schedule": crontab(minute=40, hour=7)},
    "quarterly-digest": {"task": "workflows.digests.send_quarterly_digests", "schedule": crontab(minute=50, hour=7)},
    # Dashboards are recalculated ahead of users (app/reports/snapshots.py), within DASHBOARD_MAX_AGE_SECONDS.
    "refresh-dashboards": {"task": "workflows.figures.refresh_dashboards",
                           "schedule": crontab(minute="*/4", hour="0,3-23")},
}

NOTIFICATIONS: dict = {
    "stale_reminder_interval_days": 7,  # repeat a stale reminder this often while the review stays stale
    "stale_escalate_after_reminders": 2,  # unanswered reminders before the regional leads are told
    "rapid_review_lead_working_days": 5,  # warn this many working days before a rapid review is due
    "send_empty_digests": False,
    "digest_due_within_days": 14,  # the weekly digest lists what falls due within this many days
    "digest_attachment_max_rows": 5000,  # rows in a digest's CSV; beyond, the email says to export the rest
    "relay_batch_size": 50,
    "relay_max_attempts": 6,
    "relay_backoff_seconds": [60, 300, 900, 3600, 14400],
    "relay_send_interval_seconds": 0,  # pause between two emails (an SMTP provider's rate limit)
    "smtp_timeout_seconds": 10,
    "claim_timeout_seconds": 600,  # a claimed email not marked sent after this long is claimed again
}
