"""Who will be notified about a review, when and why (shown on the review's page), and what was already sent.

The plan is worked out from the same clocks, knobs, recipients and notices as the jobs, so it tells what the
jobs will do: a stage already notified is listed under the emails sent instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.notifications.chasers import steps_to_come
from app.notifications.models import NotificationNotice, OutboxMessage
from app.notifications.periods import due_period, month_of
from app.notifications.recipients import NATIONAL_ADMIN, Directory, Recipient
from app.notifications.reminders import ESCALATION, STALE, counted_rounds, cycle_start
from app.notifications.settings import NotificationSettings
from app.reviews.clocks import review_clocks
from app.reviews.models import Review
from app.reviews.types import ReviewStatus

SENT_LIMIT = 50


@dataclass(frozen=True)
class PlannedEmail:
    """An email the jobs will send about the review (on `when`, or at the next run when already due)."""

    when: date
    who: tuple[str, ...]
    why: str


@dataclass(frozen=True)
class SentEmail:
    """An email already written to the outbox about the review."""

    created_on: date
    kind: str
    to: str
    subject: str
    status: str
    outbox_id: int


@dataclass(frozen=True)
class NotificationPlan:
    """The upcoming and the already-sent emails about one review."""

    upcoming: list[PlannedEmail]
    sent: list[SentEmail]


def _names(people: list[Recipient]) -> tuple[str, ...]:
    return tuple(p.email for p in people) or ("nobody: no active user has this role for the organisation",)


def notification_plan(session: Session, review: Review, *, today: date,
                      config: NotificationSettings) -> NotificationPlan:
    """The review's notification plan on a day: who is told when and why, and the emails already sent."""
    directory = Directory(session)
    dps = directory.designated_professionals(review.organisation_code)
    leads = directory.regional_leads(review.organisation_code)
    notices = session.scalars(select(NotificationNotice).where(NotificationNotice.review_id == review.id)).all()
    noticed = {(n.kind, n.due) for n in notices}
    rounds = [(n.due, n.created_at) for n in notices if n.kind == STALE]
    upcoming: list[PlannedEmail] = []
    if review.status == ReviewStatus.OPEN:
        upcoming += _stale_plan(review, today, config, dps, leads, noticed, rounds)
        upcoming += _chase_plan(review, today, config, dps, leads, noticed)
        weekly = due_period("weekly", today).start + timedelta(days=7)
        digest_dps = [p for p in dps if p.digests_enabled]
        if digest_dps:
            upcoming.append(PlannedEmail(weekly, _names(digest_dps), "Weekly digest: listed while the review is open"))
    month_end = month_of(today).end + timedelta(days=1)
    readers = [p for p in leads + directory.covering(NATIONAL_ADMIN, review.organisation_code) if p.digests_enabled]
    if readers:
        upcoming.append(PlannedEmail(month_end, _names(readers),
                                     "Monthly and quarterly digests: counted, and listed in the attached spreadsheet"))
    return NotificationPlan(sorted(upcoming, key=lambda p: p.when), sent_emails(session, review.id))


def _stale_plan(review, today, config, dps, leads, noticed, all_rounds) -> list[PlannedEmail]:
    clock = next((c for c in review_clocks(review, today=today, config=config.clocks) if c.kind == "stale"), None)
    if clock is None:
        return []
    knobs = config.knobs
    interval, escalate_after = knobs["stale_reminder_interval_days"], knobs["stale_escalate_after_reminders"]
    start = cycle_start(review, today)
    rounds = counted_rounds(review, all_rounds, today)
    first = clock.due + timedelta(days=1)
    if review.snoozed_until and review.snoozed_until > today:
        first = max(first, review.snoozed_until)
    nxt = max(today, rounds[-1] + timedelta(days=interval) if rounds else first)
    plan = []
    if dps:
        snooze = f" (snoozed until {review.snoozed_until:%d %b %Y})" if review.snoozed_until and \
            review.snoozed_until > today else ""
        last = review.latest_update_on or review.date_added
        plan.append(PlannedEmail(nxt, _names(dps), f"Stale-review reminder: no update since {last:%d %b %Y}; "
                                 f"repeats every {interval} days until an update is added{snooze}"))
    escalated = (ESCALATION, start) in noticed
    if not escalated:
        remaining = 0 if not dps else max(0, escalate_after - len(rounds))
        why = (f"Escalation after {escalate_after} unanswered reminders" if dps else
               "Escalation: no designated professional is registered for the organisation")
        plan.append(PlannedEmail(nxt + timedelta(days=interval * remaining), _names(leads), why))
    return plan


def _chase_plan(review, today, config, dps, leads, noticed) -> list[PlannedEmail]:
    lead_days = config.knobs["rapid_review_lead_working_days"]
    plan = []
    for clock in review_clocks(review, today=today, config=config.clocks):
        for stage, when in steps_to_come(clock, lead_working_days=lead_days):
            if (stage.code, clock.due) in noticed:
                continue
            people = dps + (leads if stage.tell_leads or not dps else [])
            plan.append(PlannedEmail(max(when, today), _names(people),
                                     f"{stage.title} (due {clock.due:%d %b %Y}): deadline email, always sent"))
    return plan


def sent_emails(session: Session, review_id: int, limit: int = SENT_LIMIT) -> list[SentEmail]:
    """The emails written to the outbox about a review, newest first (digests excluded: they cover many)."""
    rows = session.execute(
        select(NotificationNotice.noticed_on, NotificationNotice.kind, OutboxMessage)
        .join(OutboxMessage, OutboxMessage.id == NotificationNotice.outbox_id)
        .where(NotificationNotice.review_id == review_id)
        .order_by(NotificationNotice.noticed_on.desc(), OutboxMessage.id.desc()).limit(limit))
    return [SentEmail(on, kind, msg.recipient_address, msg.subject, msg.status, msg.id) for on, kind, msg in rows]

