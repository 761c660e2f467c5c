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
    "publication_chase": "Publication due after sign-off",
    "embargo_review": "Embargo review",
}
CLOCK_KINDS = tuple(CLOCK_LABELS)


class ReviewFacts(Protocol):
    """The fields a clock reads (a Review row, or anything shaped like one)."""

    status: str
    review_type: str
    date_added: date
    notification_date: date | None
    decision_date: date | None
    latest_update_on: date | None
    signed_off_date: date | None
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

    @property
    def label(self) -> str:
        """The clock's name."""
        return CLOCK_LABELS[self.kind]

    @property
    def overdue(self) -> bool:
        """Whether the due date has passed."""
        return self.days_left < 0

    @property
    def summary(self) -> str:
        """'3 days overdue', 'due today', 'due in 5 days' (working days for the rapid review clock)."""
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
    """The day publication is chased after sign-off."""
    return signed_off + timedelta(days=config["publication_chase"]["days_after_sign_off"])


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
    if (
        is_open
        and review.signed_off_date
        and not review.publication_status
        and rtype in config["publication_chase"]["applies_to"]
    ):
        clocks.append(_state("publication_chase", publication_due(review.signed_off_date, config), today, config))
    if (
        review.publication_status == PublicationStatus.EMBARGOED
        and review.embargo_review_date
        and rtype in config["embargo_review"]["applies_to"]
    ):
        clocks.append(_state("embargo_review", review.embargo_review_date, today, config))
    return clocks


def worst_rag(clocks: list[ClockState]) -> str | None:
    """The most urgent state among clocks: red over amber over green; None when no clock runs."""
    for rag in ("red", "amber", "green"):
        if any(c.rag == rag for c in clocks):
            return rag
    return None
