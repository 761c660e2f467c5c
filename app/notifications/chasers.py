"""Deadline chasers: rapid reviews approaching, at and past their 15-working-day deadline; sign-off overdue;
publication overdue after sign-off; embargo review date reached.

Each deadline is chased once per stage and due date (notice key `chase:{stage}:{review}:{user}:{due}`), so a
job that runs every hour sends each chase once. A person's chases of one run go in ONE email. The designated
professionals of the organisation are chased; the regional leads too when a rapid review is overdue, or when
no designated professional is registered.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.notifications.outbox import Email, JobReport, Notice, send_grouped
from app.notifications.recipients import Directory, Recipient
from app.notifications.render import ReviewLine, plural, render, review_line
from app.notifications.settings import NotificationSettings
from app.reviews.calendar import working_days
from app.reviews.clock_queries import clock_due_condition, overdue_condition
from app.reviews.clocks import ClockState, review_clocks
from app.reviews.models import Review
from app.timezone import london_today


@dataclass(frozen=True)
class Stage:
    """One kind of chase: its clock, title (one review / section), advice, and whether leads are told."""

    code: str
    clock: str
    title: str
    advice: str
    tell_leads: bool = False


STAGES = {
    s.code: s for s in (
        Stage("rapid-overdue", "rapid_review_due", "Rapid review overdue",
              "The 15-working-day deadline has passed: record the partnership's decision.", tell_leads=True),
        Stage("rapid-due", "rapid_review_due", "Rapid review due today",
              "Send the rapid review to the Child Safeguarding Practice Review Panel and record the decision."),
        Stage("rapid-approaching", "rapid_review_due", "Rapid review due soon",
              "The 15-working-day deadline is close."),
        Stage("sign-off-overdue", "sign_off_expected", "Sign-off overdue",
              "The report was expected to be signed off by now: record the sign-off date or add an update."),
        Stage("publication-overdue", "publication_chase", "Publication overdue",
              "The report was signed off but is neither published nor embargoed."),
        Stage("embargo-review", "embargo_review", "Embargo review date reached",
              "Review the embargo: publish the report or set a new embargo review date."),
    )
}
STAGE_ORDER = list(STAGES)


def stage_of(clock: ClockState, *, lead_working_days: int) -> Stage | None:
    """The chase stage of a clock today (None when nothing is chased)."""
    if clock.kind == "rapid_review_due":
        if clock.days_left < 0:
            return STAGES["rapid-overdue"]
        if clock.days_left == 0:
            return STAGES["rapid-due"]
        if clock.working_days_left is not None and clock.working_days_left <= lead_working_days:
            return STAGES["rapid-approaching"]
        return None
    if clock.kind == "embargo_review":
        return STAGES["embargo-review"] if clock.days_left <= 0 else None
    if clock.overdue:
        return {"sign_off_expected": STAGES["sign-off-overdue"],
                "publication_chase": STAGES["publication-overdue"]}.get(clock.kind)
    return None


def chased_reviews_query(*, today: date, settings: NotificationSettings):
    """Reviews with at least one clock at a chase stage today (indexable date conditions)."""
    clocks = settings.clocks
    lead = settings.knobs["rapid_review_lead_working_days"]
    return select(Review).where(or_(
        clock_due_condition("rapid_review_due", config=clocks,
                            due_to=working_days().add_working_days(today, lead)),
        overdue_condition("sign_off_expected", today=today, config=clocks),
        overdue_condition("publication_chase", today=today, config=clocks),
        clock_due_condition("embargo_review", config=clocks, due_to=today),
    )).order_by(Review.id)


def send_chasers(session: Session, *, now: datetime, settings: NotificationSettings) -> JobReport:
    """Queue today's deadline chasers: one email per person listing every deadline newly at a stage."""
    today = london_today(now)
    lead = settings.knobs["rapid_review_lead_working_days"]
    directory = Directory(session)
    items: dict[int, list[tuple[Notice, Stage, ReviewLine]]] = defaultdict(list)
    people: dict[int, Recipient] = {}
    reachable = Review.organisation_code.in_(directory.notifiable_locations())  # the rest would queue nothing
    for review in session.scalars(chased_reviews_query(today=today, settings=settings).where(reachable)):
        dps = directory.designated_professionals(review.organisation_code)
        for clock in review_clocks(review, today=today, config=settings.clocks):
            stage = stage_of(clock, lead_working_days=lead)
            if stage is None:
                continue
            targets = list(dps)
            if stage.tell_leads or not dps:
                targets += directory.regional_leads(review.organisation_code)
            note = "" if dps else "No designated professional for this organisation is registered on the tracker."
            for person in targets:
                people[person.user_id] = person
                key = f"chase:{stage.code}:{review.id}:{person.user_id}:{clock.due.isoformat()}"
                items[person.user_id].append((Notice(key, stage.code, review.id, person.user_id, clock.due), stage,
                                              review_line(review, settings, clock, note)))
    report = JobReport("chasers", [])
    for user_id, chased in items.items():
        _queue(session, report, people[user_id], chased, settings, today, now)
    return report


def _role_phrase(person: Recipient) -> str:
    if person.role == "regional_lead":
        return f"the regional safeguarding lead for {person.scope.name}"
    return f"a designated professional for {person.scope.name}"


def _queue(session: Session, report: JobReport, person: Recipient, chased: list[tuple[Notice, Stage, ReviewLine]],
           settings: NotificationSettings, today: date, now: datetime) -> None:
    by_key = {notice.key: (stage, line) for notice, stage, line in chased}
    made: list[tuple[Email, int]] = []

    def compose(claimed: list[Notice]) -> Email:
        sections = []
        for code in STAGE_ORDER:
            lines = sorted((by_key[n.key][1] for n in claimed if n.kind == code), key=lambda ln: (ln.clock.due, ln.id))
            if lines:
                stage = STAGES[code]
                sections.append({"title": stage.title, "advice": stage.advice, "lines": lines})
        first = sections[0]
        reviews = len({n.review_id for n in claimed})
        if len(claimed) == 1:
            line = first["lines"][0]
            subject = f"{first['title']}: {line.identifier} ({line.clock.summary}, {line.clock.due:%d %b %Y})"
            heading = f"{first['title']}: {line.identifier}"
            intro = "A deadline on one of your reviews needs attention."
        else:
            counts = ", ".join(f"{len(s['lines'])} {s['title'][0].lower()}{s['title'][1:]}" for s in sections)
            subject = f"Deadlines on {plural(reviews, 'review')}: {counts}"
            heading = f"{plural(len(claimed), 'deadline needs', 'deadlines need')} attention"
            intro = "Deadlines on these reviews need attention, most urgent first."
        text, html = render("chasers", settings, subject=subject, heading=heading, recipient=person, intro=intro,
                            sections=sections, role_phrase=_role_phrase(person))
        email = Email(kind="chaser", to_address=person.email, to_user_id=person.user_id, subject=subject, text=text,
                      html=html)
        made.append((email, len(claimed)))
        return email

    outbox_id = send_grouped(session, prefix="chasers", notices=[n for n, _, _ in chased], render=compose,
                             today=today, now=now)
    if made:
        report.notices += made[-1][1]
        report.add(outbox_id, made[-1][0])
