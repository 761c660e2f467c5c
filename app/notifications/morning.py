"""One morning email per person: today's deadline chases, stale-review reminders and escalations together.

The same decisions as the separate jobs (`chasers.collect_chases`, `reminders.collect_stale`) and the same notice keys
(`chase:...`, `stale:...`, `escalate:...`), claimed in one transaction: every notice is still written once, so
nothing is sent twice or lost whichever job claims it first, and a person who is due a chase and a reminder on the
same day gets one email listing both. The outbox key of the email is `notices:{user}:{date}:{hash of its notices}`.
Later runs the same day send only what newly fell due (a review entered or changed during the day).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

from sqlalchemy.orm import Session

from app.notifications.chasers import Stage, chase_sections, collect_chases, role_phrase
from app.notifications.grouped import queue_grouped
from app.notifications.outbox import Email, JobReport, Notice
from app.notifications.recipients import Directory, Recipient
from app.notifications.reminders import ESCALATION, STALE, collect_stale, escalation_intro
from app.notifications.render import ReviewLine, plural, render
from app.notifications.settings import NotificationSettings
from app.timezone import london_today

Item = tuple[Notice, Stage | None, ReviewLine]


def send_daily_notices(session: Session, *, now: datetime, settings: NotificationSettings) -> JobReport:
    """Queue today's chases, stale reminders and escalations: one email per person with everything due."""
    today = london_today(now)
    directory = Directory(session)
    stale = collect_stale(session, today=today, settings=settings, directory=directory)
    chases, chased_people = collect_chases(session, today=today, settings=settings, directory=directory)
    items: dict[int, list[Item]] = defaultdict(list)
    for user_id, chased in chases.items():
        items[user_id] += [(notice, stage, line) for notice, stage, line in chased]
    for groups in (stale.to_dp, stale.to_lead):
        for user_id, reminded in groups.items():
            items[user_id] += [(notice, None, line) for notice, line in reminded]
    people = {**stale.people, **chased_people}
    report = JobReport("daily-notices", [])
    for user_id, mine in items.items():
        _queue(session, report, people[user_id], mine, settings, today, now)
    return report


def _by_days(line: ReviewLine) -> tuple[int, int]:
    return (line.clock.days_left if line.clock else 0, line.id)


def notice_sections(person: Recipient, claimed: list[Item], settings: NotificationSettings) -> list[dict]:
    """The sections of a person's morning email: deadlines by stage, then reviews needing an update, then
    escalations."""
    sections = chase_sections([(stage, line) for _, stage, line in claimed if stage is not None], settings.clocks)
    reminded = sorted((line for n, _, line in claimed if n.kind == STALE), key=_by_days)
    if reminded:
        days = settings.clocks["stale"]["days"]
        sections.append({"title": "Reviews needing an update",
                         "advice": f"No update on the tracker for more than {days} days: add an update to each (or "
                                   "snooze its reminders, with a reason, if nothing can move for a while).",
                         "lines": reminded})
    escalated = sorted((line for n, _, line in claimed if n.kind == ESCALATION), key=_by_days)
    if escalated:
        sections.append({"title": "Still without an update after reminders", "advice": escalation_intro(person,
                                                                                                      escalated),
                         "lines": escalated})
    return sections


def _subject(sections: list[dict], claimed: list[Item]) -> str:
    reviews = len({n.review_id for n, _, _ in claimed})
    if len(claimed) == 1:
        line = sections[0]["lines"][0]
        return f"{sections[0]['title']}: {line.identifier}"
    parts = ", ".join(f"{len(s['lines'])} {s['title'][0].lower()}{s['title'][1:]}" for s in sections)
    return f"Today on the tracker, {plural(reviews, 'review')}: {parts}"


def _queue(session: Session, report: JobReport, person: Recipient, items: list[Item],
           settings: NotificationSettings, today: date, now: datetime) -> None:
    by_key = {notice.key: (notice, stage, line) for notice, stage, line in items}

    def compose(claimed_notices: list[Notice]) -> Email:
        claimed = [by_key[n.key] for n in claimed_notices]
        sections = notice_sections(person, claimed, settings)
        subject = _subject(sections, claimed)
        heading = f"{plural(len(claimed), 'thing needs', 'things need')} your attention today"
        text, html = render("daily_notices", settings, subject=subject, heading=heading, recipient=person,
                            intro=f"Everything the tracker has for you on {today.day} {today:%B %Y}, most urgent "
                                  "first.", sections=sections, role_phrase=role_phrase(person),
                            interval_days=settings.knobs["stale_reminder_interval_days"],
                            escalate_after=settings.knobs["stale_escalate_after_reminders"])
        return Email(kind="daily_notices", to_address=person.email, to_user_id=person.user_id, subject=subject,
                     text=text, html=html)

    queue_grouped(session, report, prefix="notices", notices=[n for n, _, _ in items], compose=compose, today=today,
                  now=now)
