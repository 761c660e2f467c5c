"""Time: explicit `now`, bank holidays in the rapid review deadline, the summer-time change, the beat schedule."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from celery.schedules import crontab
from sqlalchemy import select

from app.notifications.models import NotificationNotice, OutboxMessage
from config.schedule import BEAT_SCHEDULE
from tests.support.reviews import make_review


def at(y, m, d, hour=9, minute=0) -> datetime:
    return datetime(y, m, d, hour, minute, tzinfo=UTC)


def chases(jobs, now) -> list[str]:
    return [subject for _, to, subject in jobs.run("chasers", now).queued if to == "dp.ncl@example.com"]


@pytest.mark.parametrize(("notified", "quiet_day", "warn_day", "due"), [
    # Christmas and New Year: 25 Dec, 28 Dec (Boxing Day observed) and 1 Jan are not working days.
    (date(2026, 12, 18), date(2027, 1, 5), date(2027, 1, 6), date(2027, 1, 13)),
    # Easter 2027: Good Friday 26 March and Easter Monday 29 March.
    (date(2027, 3, 18), date(2027, 4, 2), date(2027, 4, 5), date(2027, 4, 12)),
])
def test_rapid_review_chases_count_working_days_over_bank_holidays(session, jobs, notified, quiet_day, warn_day, due):
    make_review(session, local_identifier="RR-HOLIDAY", review_type="RAPID", date_added=notified,
                notification_date=notified, incident_date=notified, themes=["WT_NEGLECT"], now=at(2027, 4, 20))
    assert chases(jobs, at(quiet_day.year, quiet_day.month, quiet_day.day)) == []
    warned = chases(jobs, at(warn_day.year, warn_day.month, warn_day.day))
    assert warned == [f"Rapid review due soon: RR-HOLIDAY (due in 5 working days, {due:%d %b %Y})"]
    assert chases(jobs, at(due.year, due.month, due.day)) == [f"Rapid review due today: RR-HOLIDAY (due today, "
                                                              f"{due:%d %b %Y})"]


def test_a_run_just_after_midnight_in_summer_time_uses_the_london_date(session, jobs):
    # Sunday 28 March 2027 23:30 UTC is already Monday 29 March 00:30 in London (BST began that morning).
    review = make_review(session, local_identifier="STALE-DST", date_added=date(2027, 1, 4), now=at(2027, 3, 1))
    now = at(2027, 3, 28, 23, 30)
    jobs.run("stale-reminders", now)
    weekly = jobs.run("weekly-digest", now)
    notice = session.scalar(select(NotificationNotice).where(NotificationNotice.review_id == review.id))
    assert notice.noticed_on == date(2027, 3, 29) and notice.key.endswith(":2027-03-29")
    assert [s for _, _, s in weekly.queued] == ["Weekly digest, week of 29 Mar 2027: 1 open, 0 with a newly overdue "
                                                "clock, 0 with a clock due in 14 days"]
    key = session.scalar(select(OutboxMessage.dedup_key).where(OutboxMessage.kind == "digest_weekly"))
    assert key.endswith(":weekly:2027-W13")
    # On the autumn night (25 October 2026, BST ends at 01:00 UTC) 00:30 UTC is 01:30 BST, still the 25th.
    assert jobs.run("weekly-digest", at(2026, 10, 25, 0, 30)).queued[0][2].startswith(
        "Weekly digest, week of 19 Oct 2026")


def test_the_beat_schedule_avoids_the_summer_time_hour_and_runs_in_london_time(app):
    celery = app.extensions["celery"]
    assert celery.conf.timezone == "Europe/London" and celery.conf.beat_schedule == BEAT_SCHEDULE
    celery.loader.import_default_modules()  # what a worker or beat does at start (TASK_MODULES)
    tasks = set(celery.tasks)
    for name, entry in BEAT_SCHEDULE.items():
        assert entry["task"] in tasks, name
        schedule = entry["schedule"]
        if isinstance(schedule, crontab):
            assert not schedule.hour & {1, 2}, name  # nothing between 01:00 and 02:59 London time
