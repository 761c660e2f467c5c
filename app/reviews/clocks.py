"""The clocks of a review: due dates, days left, red/amber/green. Pure functions of the record and `today`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Protocol

from dateutil.relativedelta import relativedelta

from app.reviews.calendar import WorkingDayCalendar, working_days
from app.reviews.types import PublicationStatus, ReviewStatus, ReviewType

CLOCK_LABELS = {
    "rapid_review_due": "Rapid review due",
    "stale": "Update due (stale after no update)",
    "sign_off_expected": "Sign-off expected",
    "qa_submission": "Submission to the Home Office Quality Assurance Panel",
    "qa_decision": "Home Office Quality Assurance Panel decision",
    "publication_chase": "Publication due",
    "embargo_review": "Embargo review",
}
# Clocks still running (something to do), each with an indexable SQL form in clock_queries.py (lists, filters,
# dashboards and reports count these).
CLOCK_KINDS = tuple(CLOCK_LABELS)
# Record checks: a deadline already met or missed, shown red on the review when missed; nothing is left to chase,
# so they are not in the overdue filters and counts.
CHECK_LABELS = {"panel_notification": "CSPR Panel notification"}


class ReviewFacts(Protocol):
    """The fields a clock reads (a Review row, or anything shaped like one)."""

    status: str
    review_type: str
    date_added: date
    incident_date: date | None
    incident_learned_date: date | None
    notification_date: date | None
    decision_date: date | None
    latest_update_on: date | None
    signed_off_date: date | None
    qa_submitted_date: date | None
    qa_feedback_date: date | None
    qa_approved_date: date | None
    publication_status: str | None
    embargo_review_date: date | None


@dataclass(frozen=True)
class ClockState:
    """One clock of one review on one day."""

    kind: str
    due: date
    days_left: int  # calendar days until due; negative when overdue
    rag: str  # "red", "amber" or "green"
    working_days_left: int | None = None  # for the working-day clock
    done_on: date | None = None  # for a record check: the day the step was done (e.g. the Panel notified)

    @property
    def label(self) -> str:
        """The clock's name."""
        return CLOCK_LABELS.get(self.kind) or CHECK_LABELS[self.kind]

    @property
    def overdue(self) -> bool:
        """Whether the due date has passed."""
        return self.days_left < 0

    @property
    def summary(self) -> str:
        """'3 days overdue', 'due today', 'due in 5 days' (working days for the rapid review clock)."""
        if self.done_on is not None:
            late = -(self.working_days_left or 0)
            return f"done {late} working day{'s' if late != 1 else ''} late" if late > 0 else "done on time"
        if self.working_days_left is not None and not (self.days_left < 0 <= self.working_days_left):
            n, unit = self.working_days_left, "working day"
        else:  # calendar days (also for a working-day deadline passed over a weekend: "1 day overdue")
            n, unit = self.days_left, "day"
        if self.days_left == 0:
            return "due today"
        if n < 0:
            return f"{-n} {unit}{'s' if -n != 1 else ''} overdue"
        return f"due in {n} {unit}{'s' if n != 1 else ''}"


def rapid_review_deadline(notification: date, config: dict, calendar: WorkingDayCalendar | None = None) -> date:
    """The rapid review due date: N working days after the serious incident notification."""
    calendar = calendar or working_days()
    return calendar.add_working_days(notification, config["rapid_review_due"]["working_days"])


def stale_due(last_activity: date, config: dict) -> date:
    """The day an open review becomes stale without a new update."""
    return last_activity + timedelta(days=config["stale"]["days"])


def sign_off_due(date_added: date, review_type: str, config: dict) -> date | None:
    """The expected sign-off date for the review's type, or None when the type has no such clock."""
    months = config["sign_off_expected"]["months_by_type"].get(review_type)
    return None if months is None else date_added + relativedelta(months=months)


def publication_due(signed_off: date, config: dict) -> date:
    """The day publication is chased after its start (sign-off; for a DHR the QA Panel's approval)."""
    return signed_off + timedelta(days=config["publication_chase"]["days_after_sign_off"])


def publication_start(review: ReviewFacts | Any, config: dict) -> date | None:
    """The day the publication clock starts: the QA Panel's approval for a DHR, else the sign-off date."""
    if review.review_type in config["publication_chase"].get("after_qa_approval", ()):
        return _get(review, "qa_approved_date") if review.signed_off_date else None
    return review.signed_off_date


def qa_submission_due(signed_off: date, config: dict) -> date:
    """The day a signed-off DHR is expected to have gone to the Home Office Quality Assurance Panel."""
    return signed_off + timedelta(days=config["qa_submission"]["days_after_sign_off"])


def qa_decision_due(submitted_or_feedback: date, config: dict) -> date:
    """The day the CSP follows up a DHR still awaiting the panel (from submission, or its latest feedback)."""
    return submitted_or_feedback + timedelta(days=config["qa_decision"]["days_after_submission"])


def panel_notification_due(learned: date, config: dict, calendar: WorkingDayCalendar | None = None) -> date:
    """The last day to notify the CSPR Panel: N working days after the partnership learned of the incident."""
    calendar = calendar or working_days()
    return calendar.add_working_days(learned, config["panel_notification"]["working_days"])


def panel_notification_check(review: ReviewFacts | Any, config: dict,
                             calendar: WorkingDayCalendar | None = None) -> ClockState | None:
    """The CSPR Panel notification of a rapid review, red when it was later than its working-day limit."""
    started = _get(review, "incident_learned_date") or _get(review, "incident_date")
    rule = config.get("panel_notification")
    if rule is None or review.review_type not in rule["applies_to"] or not (started and review.notification_date):
        return None
    calendar = calendar or working_days()
    due = panel_notification_due(started, config, calendar)
    notified = review.notification_date
    late = calendar.working_days_between(due, notified) if notified > due else 0
    return ClockState(kind="panel_notification", due=due, days_left=(due - notified).days,
                      rag="red" if late else "green", working_days_left=-late, done_on=notified)


def _get(review: Any, name: str) -> Any:
    """A field that older snapshots and hand-made facts may lack (the QA and incident-learned dates)."""
    return getattr(review, name, None)


def _state(kind: str, due: date, today: date, config: dict, working: int | None = None) -> ClockState:
    days_left = (due - today).days
    amber = config[kind]["amber_within_days"]
    rag = "red" if days_left < 0 else ("amber" if days_left <= amber else "green")
    return ClockState(kind=kind, due=due, days_left=days_left, rag=rag, working_days_left=working)


def review_clocks(
    review: ReviewFacts | Any, *, today: date, config: dict, calendar: WorkingDayCalendar | None = None
) -> list[ClockState]:
    """Every clock running for a review today. Clocks stop when the review closes, except the embargo review."""
    calendar = calendar or working_days()
    clocks: list[ClockState] = []
    is_open = review.status == ReviewStatus.OPEN
    rtype = review.review_type
    if is_open and rtype == ReviewType.RAPID and review.notification_date and not review.decision_date:
        due = rapid_review_deadline(review.notification_date, config, calendar)
        clocks.append(_state("rapid_review_due", due, today, config, calendar.working_days_between(today, due)))
    if is_open and rtype in config["stale"]["applies_to"]:
        clocks.append(_state("stale", stale_due(review.latest_update_on or review.date_added, config), today, config))
    if is_open and not review.signed_off_date:
        due = sign_off_due(review.date_added, rtype, config)
        if due is not None:
            clocks.append(_state("sign_off_expected", due, today, config))
    awaiting_publication = is_open and review.signed_off_date and not review.publication_status
    if awaiting_publication and "qa_submission" in config and rtype in config["qa_submission"]["applies_to"]:
        if not _get(review, "qa_submitted_date"):
            clocks.append(_state("qa_submission", qa_submission_due(review.signed_off_date, config), today, config))
        elif not _get(review, "qa_approved_date"):
            started = _get(review, "qa_feedback_date") or _get(review, "qa_submitted_date")
            clocks.append(_state("qa_decision", qa_decision_due(started, config), today, config))
    start = publication_start(review, config)
    if awaiting_publication and start and rtype in config["publication_chase"]["applies_to"]:
        clocks.append(_state("publication_chase", publication_due(start, config), today, config))
    if (
        review.publication_status == PublicationStatus.EMBARGOED
        and review.embargo_review_date
        and rtype in config["embargo_review"]["applies_to"]
    ):
        clocks.append(_state("embargo_review", review.embargo_review_date, today, config))
    check = panel_notification_check(review, config, calendar) if is_open else None
    if check is not None and check.rag == "red":
        clocks.append(check)
    return clocks


def worst_rag(clocks: list[ClockState]) -> str | None:
    """The most urgent state among clocks: red over amber over green; None when no clock runs."""
    for rag in ("red", "amber", "green"):
        if any(c.rag == rag for c in clocks):
            return rag
    return None
