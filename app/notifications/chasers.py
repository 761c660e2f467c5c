"""Deadline chasers: rapid reviews approaching, at and past their working-day deadline; sign-off overdue; a DHR's
Home Office Quality Assurance Panel stage overdue (submission, then the panel's decision); publication overdue
(after sign-off; for a DHR after the panel's approval); embargo review date reached.

The chase schedule is defined once, here (`chase_steps`): the jobs chase the current step (`stage_of`) and the
review page's plan (`plan.py`) lists the steps still to come.

Each deadline is chased once per stage and due date (notice key `chase:{stage}:{review}:{user}:{due}`), so a
job that runs every hour sends each chase once. A person's chases of one run go in ONE email. The designated
professionals of the organisation are chased; the regional leads too when a rapid review is overdue, or when
no designated professional is registered.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.notifications.grouped import queue_grouped
from app.notifications.outbox import Email, JobReport, Notice
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
              "The {rapid_days}-working-day deadline has passed: record the partnership's decision.", tell_leads=True),
        Stage("rapid-due", "rapid_review_due", "Rapid review due today",
              "Send the rapid review to the Child Safeguarding Practice Review Panel and record the decision."),
        Stage("rapid-approaching", "rapid_review_due", "Rapid review due soon",
              "The {rapid_days}-working-day deadline is close."),
        Stage("sign-off-overdue", "sign_off_expected", "Sign-off overdue",
              "The report was expected to be signed off by now: record the sign-off date or add an update."),
        Stage("qa-submission-overdue", "qa_submission", "Home Office Quality Assurance Panel submission overdue",
              "The DHR report was signed off but has not been sent to the Home Office Quality Assurance Panel: "
              "record the date it was submitted."),
        Stage("qa-decision-overdue", "qa_decision", "Home Office Quality Assurance Panel decision awaited",
              "The Quality Assurance Panel has not yet approved the DHR report: follow up with the panel, or record "
              "its feedback or approval."),
        Stage("publication-overdue", "publication_chase", "Publication overdue",
              "The report was signed off but is neither published nor embargoed."),
        Stage("embargo-review", "embargo_review", "Embargo review date reached",
              "Review the embargo: publish the report or set a new embargo review date."),
    )
}
STAGE_ORDER = list(STAGES)


OVERDUE_STAGES = {"sign_off_expected": "sign-off-overdue", "qa_submission": "qa-submission-overdue",
                  "qa_decision": "qa-decision-overdue", "publication_chase": "publication-overdue"}
ONE_DAY = timedelta(days=1)


def chase_steps(clock: ClockState, *, lead_working_days: int) -> list[tuple[Stage, date]]:
    """THE chase schedule of a clock: each stage with the day it starts, in order (empty when never chased).

    Rapid review: approaching `lead_working_days` working days before the deadline, due on it, overdue the day after.
    Embargo review: on its date. Sign-off, QA Panel submission and decision, publication: the day after the due date.
    """
    if clock.kind == "rapid_review_due":
        return [(STAGES["rapid-approaching"], working_days().add_working_days(clock.due, -lead_working_days)),
                (STAGES["rapid-due"], clock.due), (STAGES["rapid-overdue"], clock.due + ONE_DAY)]
    if clock.kind == "embargo_review":
        return [(STAGES["embargo-review"], clock.due)]
    if clock.kind in OVERDUE_STAGES:
        return [(STAGES[OVERDUE_STAGES[clock.kind]], clock.due + ONE_DAY)]
    return []


def clock_day(clock: ClockState) -> date:
    """The day a clock state was read on."""
    return clock.due - timedelta(days=clock.days_left)


def stage_of(clock: ClockState, *, lead_working_days: int) -> Stage | None:
    """The chase stage of a clock on the day it was read: the latest step begun (None when nothing is chased)."""
    begun = [stage for stage, starts in chase_steps(clock, lead_working_days=lead_working_days)
             if starts <= clock_day(clock)]
    return begun[-1] if begun else None


def steps_to_come(clock: ClockState, *, lead_working_days: int) -> list[tuple[Stage, date]]:
    """The current step (if any) and the later ones: what the jobs will still chase for this due date."""
    steps = chase_steps(clock, lead_working_days=lead_working_days)
    current = stage_of(clock, lead_working_days=lead_working_days)
    codes = [stage.code for stage, _ in steps]
    return steps[codes.index(current.code):] if current is not None else steps


def advice(stage: Stage, clocks: dict) -> str:
    """A stage's advice with the configured numbers."""
    return stage.advice.format(rapid_days=clocks["rapid_review_due"]["working_days"])


def chased_reviews_query(*, today: date, settings: NotificationSettings):
    """Reviews with at least one clock at a chase stage today (indexable date conditions)."""
    clocks = settings.clocks
    lead = settings.knobs["rapid_review_lead_working_days"]
    return select(Review).where(or_(
        clock_due_condition("rapid_review_due", config=clocks,
                            due_to=working_days().add_working_days(today, lead)),
        *(overdue_condition(kind, today=today, config=clocks) for kind in OVERDUE_STAGES),
        clock_due_condition("embargo_review", config=clocks, due_to=today),
    )).order_by(Review.id)


ChaseItems = dict[int, list[tuple[Notice, Stage, ReviewLine]]]


def collect_chases(session: Session, *, today: date, settings: NotificationSettings,
                   directory: Directory) -> tuple[ChaseItems, dict[int, Recipient]]:
    """Decide today's chases per person (nothing is written: the caller claims the notices)."""
    lead = settings.knobs["rapid_review_lead_working_days"]
    items: ChaseItems = defaultdict(list)
    people: dict[int, Recipient] = {}
    reachable = Review.organisation_code.in_(directory.notifiable_locations())  # the rest would queue nothing
    query = chased_reviews_query(today=today, settings=settings).where(reachable).execution_options(yield_per=500)
    for review in session.scalars(query):  # streamed: memory stays flat however many reviews are chased
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
    return items, people


def send_chasers(session: Session, *, now: datetime, settings: NotificationSettings) -> JobReport:
    """Queue today's deadline chasers: one email per person listing every deadline newly at a stage."""
    today = london_today(now)
    items, people = collect_chases(session, today=today, settings=settings, directory=Directory(session))
    report = JobReport("chasers", [])
    for user_id, chased in items.items():
        _queue(session, report, people[user_id], chased, settings, today, now)
    return report


def chase_sections(chased: list[tuple[Stage, ReviewLine]], clocks: dict) -> list[dict]:
    """The email sections of a person's chases: one per stage, most urgent stage first, lines by due date."""
    sections = []
    for code in STAGE_ORDER:
        lines = sorted((line for stage, line in chased if stage.code == code), key=lambda ln: (ln.clock.due, ln.id))
        if lines:
            stage = STAGES[code]
            sections.append({"title": stage.title, "advice": advice(stage, clocks), "lines": lines})
    return sections


def role_phrase(person: Recipient) -> str:
    """'a designated professional for X' / 'the regional safeguarding lead for Y' (why the person is emailed)."""
    if person.role == "regional_lead":
        return f"the regional safeguarding lead for {person.scope.name}"
    return f"a designated professional for {person.scope.name}"


def _queue(session: Session, report: JobReport, person: Recipient, chased: list[tuple[Notice, Stage, ReviewLine]],
           settings: NotificationSettings, today: date, now: datetime) -> None:
    by_key = {notice.key: (stage, line) for notice, stage, line in chased}

    def compose(claimed: list[Notice]) -> Email:
        sections = chase_sections([by_key[n.key] for n in claimed], settings.clocks)
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
                            sections=sections, role_phrase=role_phrase(person))
        return Email(kind="chaser", to_address=person.email, to_user_id=person.user_id, subject=subject, text=text,
                     html=html)

    queue_grouped(session, report, prefix="chasers", notices=[n for n, _, _ in chased], compose=compose, today=today,
                  now=now)
