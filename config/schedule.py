"""Background job schedule (Europe/London) and notification policy knobs."""

from celery.schedules import crontab

# Jobs are declared as data with deterministic names. Times avoid 01:00-02:00 Europe/London (summer-time
# changes). Each job queries for what is due, so running it twice is harmless.
BEAT_SCHEDULE: dict = {
    "outbox-relay": {"task": "workflows.outbox.relay_outbox", "schedule": 30.0},
    "stale-reminders": {"task": "workflows.reminders.send_stale_reminders", "schedule": crontab(hour=7, minute=5)},
    "chasers": {"task": "workflows.chasers.send_chasers", "schedule": crontab(hour=7, minute=15)},
    "weekly-digest": {
        "task": "workflows.digests.send_weekly_digests",
        "schedule": crontab(hour=7, minute=30, day_of_week="mon"),
    },
    "monthly-digest": {
        "task": "workflows.digests.send_monthly_digests",
        "schedule": crontab(hour=7, minute=45, day_of_month="1"),
    },
    "quarterly-digest": {
        "task": "workflows.digests.send_quarterly_digests",
        "schedule": crontab(hour=8, minute=0, day_of_month="1", month_of_year="1,4,7,10"),
    },
}

NOTIFICATIONS: dict = {
    "stale_reminder_interval_days": 7,  # repeat a stale reminder this often while the review stays stale
    "stale_escalate_after_reminders": 2,  # unanswered reminders before the regional leads are told
    "rapid_review_lead_working_days": 5,  # warn this many working days before a rapid review is due
    "send_empty_digests": False,
    "relay_batch_size": 50,
    "relay_max_attempts": 6,
    "relay_backoff_seconds": [60, 300, 900, 3600, 14400],
    "smtp_timeout_seconds": 10,
    "claim_timeout_seconds": 600,  # a claimed email not marked sent after this long is claimed again
}
