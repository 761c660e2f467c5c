"""Stale-review reminders: which designated professionals are reminded today, and when regional leads are told.

A review is stale when its stale clock is overdue (no timeline entry for the stale period) and it is not
snoozed. A reminder round is due when none was sent in the current cycle, or the last one is at least
`stale_reminder_interval_days` old. The cycle starts at the last activity (newest update, else date added) or
at the end of a snooze, whichever is later. After `stale_escalate_after_reminders` rounds in a cycle (counted
from stored notices, never from timing), the next due round also tells the regional leads, once per cycle.
A person gets ONE email a day listing all their stale reviews.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from app.notifications.grouped import queue_grouped
from app.notifications.models import NotificationNotice
from app.notifications.outbox import Email, JobReport, Notice
from app.notifications.recipients import Directory, Recipient
from app.notifications.render import ReviewLine, plural, render, review_line
from app.notifications.settings import NotificationSettings
from app.reviews.clock_queries import last_activity_column, overdue_condition
from app.reviews.clocks import review_clocks
from app.reviews.models import Review
from app.timezone import london_today

STALE, ESCALATION = "stale", "stale_escalation"
NO_DP = "No designated professional for this organisation is registered on the tracker"
BATCH = 500


def stale_reviews_query(*, today: date, settings: NotificationSettings):
    """Open reviews whose stale clock is overdue today and whose reminders are not snoozed."""
    return (
        select(Review)
        .where(overdue_condition("stale", today=today, config=settings.clocks),
               or_(Review.snoozed_until.is_(None), Review.snoozed_until <= today))
        .order_by(last_activity_column(), Review.id)
        .options(selectinload(Review.latest_update))
    )


def cycle_start(review: Review, today: date) -> date:
    """The day the current stale cycle began: the last activity (newest update's date, else the date added), or
    the end of a snooze that has ended, whichever is later."""
    start = review.latest_update_on or review.date_added
    if review.snoozed_until and review.snoozed_until <= today:
        start = max(start, review.snoozed_until)
    return start


def counted_rounds(review: Review, rounds: list[tuple[date, datetime]], today: date) -> list[date]:
    """The unanswered reminder rounds of the current cycle, oldest first.

    A round is answered by an update recorded after it (whatever the update's own, possibly earlier, date)
    and by a snooze; only rounds sent in the current cycle and after the newest update was recorded count.
    """
    start = cycle_start(review, today)
    recorded = review.latest_update.created_at if review.latest_update is not None else None
    return sorted({day for day, sent_at in rounds if day >= start and (recorded is None or sent_at >= recorded)})


def reminder_rounds(session: Session, review_ids: list[int]) -> dict[int, list[tuple[date, datetime]]]:
    """The stale reminder rounds already sent (round date, when written), per review."""
    rounds: dict[int, list[tuple[date, datetime]]] = defaultdict(list)
    for i in range(0, len(review_ids), BATCH):
        chunk = review_ids[i:i + BATCH]
        rows = session.execute(select(NotificationNotice.review_id, NotificationNotice.due,
                                      NotificationNotice.created_at).where(
            NotificationNotice.kind == STALE, NotificationNotice.review_id.in_(chunk)))
        for review_id, due, created_at in rows:
            rounds[review_id].append((due, created_at))
    return rounds


def _streamed_with_rounds(session: Session, query):
    """(review, rounds of every review in its batch), streamed BATCH reviews at a time (memory stays flat however
    many reviews are stale)."""
    for batch in session.scalars(query).partitions():
        rounds = reminder_rounds(session, [r.id for r in batch])
        for review in batch:
            yield review, rounds


def _round_due(rounds: list[date], today: date, interval: int) -> bool:
    return not rounds or rounds[-1] + timedelta(days=interval) <= today


@dataclass
class StaleNotices:
    """Today's stale reminders (to designated professionals) and escalations (to regional leads), per person."""

    to_dp: dict[int, list[tuple[Notice, ReviewLine]]] = field(default_factory=lambda: defaultdict(list))
    to_lead: dict[int, list[tuple[Notice, ReviewLine]]] = field(default_factory=lambda: defaultdict(list))
    people: dict[int, Recipient] = field(default_factory=dict)


def collect_stale(session: Session, *, today: date, settings: NotificationSettings,
                  directory: Directory) -> StaleNotices:
    """Decide today's stale reminders and escalations (nothing is written: the caller claims the notices)."""
    knobs = settings.knobs
    interval, escalate_after = knobs["stale_reminder_interval_days"], knobs["stale_escalate_after_reminders"]
    found = StaleNotices()
    reachable = Review.organisation_code.in_(directory.notifiable_locations())
    query = stale_reviews_query(today=today, settings=settings).where(reachable).execution_options(yield_per=BATCH)
    for review, all_rounds in _streamed_with_rounds(session, query):
        start = cycle_start(review, today)
        rounds = counted_rounds(review, all_rounds.get(review.id, []), today)
        if not _round_due(rounds, today, interval):
            continue
        dps = directory.designated_professionals(review.organisation_code)
        clock = next((c for c in review_clocks(review, today=today, config=settings.clocks) if c.kind == "stale"), None)
        escalate = len(rounds) >= escalate_after or not dps
        if escalate:
            if dps:
                why = f"{plural(len(rounds), 'reminder')} since {start:%d %b %Y} to {', '.join(d.email for d in dps)}"
            else:
                why = NO_DP
            for lead in directory.regional_leads(review.organisation_code):
                found.people[lead.user_id] = lead
                found.to_lead[lead.user_id].append((
                    Notice(f"escalate:{review.id}:{lead.user_id}:{start.isoformat()}", ESCALATION, review.id,
                           lead.user_id, start),
                    review_line(review, settings, clock, why)))
        number = len(rounds) + 1
        note = (f"Reminder {number}: the regional lead has been told" if escalate else
                f"Reminder {number} of {escalate_after} before the regional lead is told")
        for dp in dps:
            found.people[dp.user_id] = dp
            found.to_dp[dp.user_id].append((
                Notice(f"stale:{review.id}:{dp.user_id}:{today.isoformat()}", STALE, review.id, dp.user_id, today),
                review_line(review, settings, clock, note)))
    return found


def send_stale_reminders(session: Session, *, now: datetime, settings: NotificationSettings) -> JobReport:
    """Queue today's stale reminders (one email per designated professional) and escalations (one per lead)."""
    today = london_today(now)
    found = collect_stale(session, today=today, settings=settings, directory=Directory(session))
    report = JobReport("stale-reminders", [])
    for groups, template, prefix in ((found.to_dp, "stale_reminder", "stale-reminders"),
                                     (found.to_lead, "stale_escalation", "stale-escalation")):
        for user_id, items in groups.items():
            _queue(session, report, found.people[user_id], items, template, prefix, settings, today, now)
    return report


def escalation_intro(person: Recipient, lines: list[ReviewLine]) -> str:
    """The first sentence of an escalation: reminders unanswered, or nobody to remind."""
    n, where = len(lines), person.scope.name
    unregistered = sum(1 for line in lines if line.note == NO_DP)
    reviews = plural(n, "review")
    if unregistered == n:
        return (f"{reviews} in {where} {'have' if n != 1 else 'has'} had no update for a long time, and no designated "
                "professional is registered on the tracker for the organisation, so nobody was reminded. "
                "Please follow up.")
    if unregistered:
        return (f"{reviews} in {where} have had no update for a long time: {n - unregistered} after repeated "
                f"reminders to the designated professionals, {unregistered} with no designated professional "
                "registered on the tracker. Please follow up.")
    return (f"{reviews} in {where} still {'have' if n != 1 else 'has'} no update after repeated reminders to the "
            "designated professionals. You may want to follow up.")


def _queue(session: Session, report: JobReport, person: Recipient, items: list[tuple[Notice, ReviewLine]],
           template: str, prefix: str, settings: NotificationSettings, today: date, now: datetime) -> None:
    lines_by_key = {notice.key: line for notice, line in items}

    def compose(claimed: list[Notice]) -> Email:
        lines = sorted((lines_by_key[n.key] for n in claimed), key=lambda ln: (ln.clock.days_left if ln.clock else 0,
                                                                                 ln.id))
        if template == "stale_reminder":
            subject = f"Reminder: {plural(len(lines), 'review needs', 'reviews need')} an update"
            days = settings.clocks["stale"]["days"]
            heading = f"{plural(len(lines), 'review has', 'reviews have')} had no update for {days}+ days"
        else:
            where = person.scope.name
            subject = f"Escalation: {plural(len(lines), 'review', 'reviews')} in {where} still without an update"
            heading = f"{plural(len(lines), 'review', 'reviews')} still without an update after reminders"
        text, html = render(template, settings, subject=subject, heading=heading, recipient=person, lines=lines,
                            stale_days=settings.clocks["stale"]["days"],
                            interval_days=settings.knobs["stale_reminder_interval_days"],
                            escalate_after=settings.knobs["stale_escalate_after_reminders"],
                            intro=escalation_intro(person, lines))
        return Email(kind=template, to_address=person.email, to_user_id=person.user_id, subject=subject, text=text,
                     html=html)

    queue_grouped(session, report, prefix=prefix, notices=[n for n, _ in items], compose=compose, today=today, now=now)
