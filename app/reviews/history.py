"""A review's status history: dated intervals (open, closed, converted), as the tracker knew them day by day.

Each row says: between `valid_from` and `valid_to` the review had this status (the *valid* dates: when it
happened), and the tracker held this row from the end of day `known_from` until the end of the day before
`known_until` (the *knowledge* dates: when it was recorded and when a later change replaced it). Rows are never
edited except to close their knowledge (`known_until`), so "open at D as the tracker held it at the end of day C"
is a plain range query and never changes after the fact. docs/REPORTS.md has the rules as a table.

The rows are written by app.reviews.lifecycle.keep_history only (in the caller's transaction); `plan_spans` here
is the pure rule that says what the history becomes after a change.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from sqlalchemy import Boolean, Date, Index, Integer, String, and_, or_
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.reviews.types import ReviewStatus, ReviewType

OPENED, CLOSED, CONVERTED, REOPENED = "opened", "closed", "converted", "reopened"
CHANGE_LABELS = {OPENED: "Opened", CLOSED: "Closed", CONVERTED: "Converted", REOPENED: "Reopened"}
CLOSINGS = (CLOSED, CONVERTED)
# known_from of what a review held at the end of the day it was entered: known "ever" (a review entered late
# counts, as at earlier days, as it stood at the end of the day it was entered).
EVER = date(1900, 1, 1)
# The review's own values copied onto every row, so an aggregate reads this table alone.
DIMENSIONS = ("review_type", "organisation_code", "recorded_icb_code", "recorded_region_code", "media_interest",
              "theme_1", "theme_2", "theme_3", "notification_date")
SPAN_FIELDS = ("status", "change", "valid_from", "valid_to", "decision_date", "rapid_outcome", "converted_to_id")
# Every column an aggregate reads: a covering index lets the reports scan ~100 bytes per row.
FIGURE_COLUMNS = ("known_until", "known_from", "valid_from", "valid_to", "status", "change", "review_type",
                  "organisation_code", "recorded_region_code", "recorded_icb_code", "media_interest", "rapid_outcome")


class StatusInterval(db.Model):
    """One stretch of a review's status, as the tracker held it between two days (see the module docstring)."""

    __tablename__ = "review_status_interval"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # No foreign key: the history of a deleted review stays (its rows' knowledge ends on the day it was deleted).
    review_id: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10))
    change: Mapped[str] = mapped_column(String(10))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    known_from: Mapped[date] = mapped_column(Date)
    known_until: Mapped[date | None] = mapped_column(Date)
    entered_on: Mapped[date] = mapped_column(Date)  # the day the review was entered (London), on each of its rows
    review_type: Mapped[str] = mapped_column(String(20))
    organisation_code: Mapped[str] = mapped_column(String(5))
    recorded_icb_code: Mapped[str] = mapped_column(String(5))
    recorded_region_code: Mapped[str] = mapped_column(String(3))
    media_interest: Mapped[bool] = mapped_column(Boolean, default=False)
    theme_1: Mapped[str | None] = mapped_column(String(40))
    theme_2: Mapped[str | None] = mapped_column(String(40))
    theme_3: Mapped[str | None] = mapped_column(String(40))
    notification_date: Mapped[date | None] = mapped_column(Date)
    decision_date: Mapped[date | None] = mapped_column(Date)
    rapid_outcome: Mapped[str | None] = mapped_column(String(4))
    converted_to_id: Mapped[int | None] = mapped_column(Integer)

    __table_args__ = (
        Index("ix_review_status_interval_review", "review_id", "known_until"),
        # "opened / closed / reopened between a and b": a range on valid_from per kind of change.
        Index("ix_review_status_interval_change_from", "change", "valid_from"),
        # "open at D": status = open and valid_from <= D, then valid_to > D.
        Index("ix_review_status_interval_status_from", "status", "valid_from", "valid_to"),
        Index("ix_review_status_interval_region_from", "recorded_region_code", "valid_from"),
        Index("ix_review_status_interval_icb_from", "recorded_icb_code", "valid_from"),
        Index("ix_review_status_interval_org_from", "organisation_code", "valid_from"),
        Index("ix_review_status_interval_converted_to", "converted_to_id"),
        Index("ix_review_status_interval_figures", *FIGURE_COLUMNS),
    )


@dataclass(frozen=True)
class Span:
    """One interval of the status history (what plan_spans works on; a row without its knowledge dates)."""

    status: str
    change: str
    valid_from: date
    valid_to: date | None = None
    decision_date: date | None = None
    rapid_outcome: str | None = None
    converted_to_id: int | None = None


def span_of(row: Any) -> Span:
    """The Span of a stored row (or of anything with the same attributes)."""
    return Span(**{name: getattr(row, name) for name in SPAN_FIELDS})


def dimensions_of(review: Any, themes: list[str]) -> dict[str, Any]:
    """The review's own values copied onto each of its rows."""
    codes = [*themes, None, None, None][:3]
    return {"review_type": review.review_type, "organisation_code": review.organisation_code,
            "recorded_icb_code": review.recorded_icb_code, "recorded_region_code": review.recorded_region_code,
            "media_interest": bool(review.media_interest), "theme_1": codes[0], "theme_2": codes[1],
            "theme_3": codes[2], "notification_date": review.notification_date}


def _closing(review: Any, on: date) -> Span:
    converted = review.status == ReviewStatus.CONVERTED
    rapid = review.review_type == ReviewType.RAPID
    return Span(review.status, CONVERTED if converted else CLOSED, on,
                decision_date=review.decision_date if rapid else None,
                rapid_outcome=review.rapid_outcome if rapid else None,
                converted_to_id=review.converted_to_id if converted else None)


def closing_day(review: Any, ended: Span, today: date, *, before: date | None = None) -> date:
    """The day a closing takes effect. The first closing: its own date (publication, sign-off when embargoed,
    decision), never before the date added. After a reopening: its own date if on or after the reopening, else
    the day it was closed again (`before`, when the closing is already recorded, else today)."""
    natural = review.closed_on or today
    if ended.change == OPENED:
        return max(natural, ended.valid_from)
    if natural >= ended.valid_from:
        return natural
    return before if before is not None else today


def _chained(spans: list[Span]) -> list[Span]:
    """Each span starts no earlier than the one before and ends where the next begins; the last runs on."""
    out: list[Span] = []
    for span in spans:
        if out:
            span = replace(span, valid_from=max(span.valid_from, out[-1].valid_from))
            out[-1] = replace(out[-1], valid_to=span.valid_from)
        out.append(span)
    out[-1] = replace(out[-1], valid_to=None)
    return out


def plan_spans(spans: list[Span], review: Any, *, today: date) -> list[Span]:
    """The status history after a change: `spans` as held so far (oldest first), `review` as it is now.

    A new review opens on its date added; a review that is no longer open closes (closing_day); a closed review
    that is open again was reopened today; a closed review whose closing date was corrected moves its closing.
    """
    out = list(spans) or [Span(ReviewStatus.OPEN.value, OPENED, review.date_added)]
    out[0] = replace(out[0], valid_from=review.date_added)
    last = out[-1]
    if review.status == ReviewStatus.OPEN:
        if last.status != ReviewStatus.OPEN:
            out.append(Span(ReviewStatus.OPEN.value, REOPENED, max(today, last.valid_from)))
    elif last.status == ReviewStatus.OPEN:
        out.append(_closing(review, closing_day(review, last, today)))
    else:
        ended = out[-2] if len(out) > 1 else out[0]
        out[-1] = _closing(review, closing_day(review, ended, today, before=last.valid_from))
    return _chained(out)


@dataclass
class Revision:
    """What a change does to a review's held rows: a prefix is kept; the rest end their knowledge today (or, recorded
    today and so never seen at a day's end, are dropped); the new rows are added."""

    kept: int
    ended: list[Any]
    dropped: list[Any]
    added: list[dict[str, Any]]


def held_key(row: Any) -> tuple:
    """What makes two rows the same: their span and the review's values on them."""
    return span_of(row), tuple(getattr(row, name) for name in DIMENSIONS)


def revise(held: list[Any], planned: list[Span], dimensions: dict[str, Any] | None, *, review_id: int, today: date,
           entered: date) -> Revision:
    """The rows to keep, end, drop and add so that the held rows (oldest first) become the planned spans."""
    wanted = [(span, tuple(dimensions[n] for n in DIMENSIONS)) for span in planned] if dimensions else []
    kept = 0
    while kept < min(len(held), len(wanted)) and held_key(held[kept]) == wanted[kept]:
        kept += 1
    ended: list[Any] = []
    dropped: list[Any] = []
    for row in held[kept:]:
        recorded_today = row.known_from == today or (row.known_from == EVER and today <= entered)
        (dropped if recorded_today else ended).append(row)
    known_from = EVER if today <= entered else today
    added = [{"review_id": review_id, **vars(span), "known_from": known_from, "known_until": None,
              "entered_on": entered, **dict(zip(DIMENSIONS, values, strict=True))} for span, values in wanted[kept:]]
    return Revision(kept, ended, dropped, added)


# --- reading the history: the conditions every report is built from (app/reports/queries.py names them)

H = StatusInterval


def known_at(day: date, rows=H):
    """Rows (of the history, or an alias of it) the tracker held at the end of a day."""
    return and_(rows.known_from <= day, or_(rows.known_until.is_(None), rows.known_until > day))


def valid_on(day: date):
    """Rows whose status held at the end of a day."""
    return and_(H.valid_from <= day, or_(H.valid_to.is_(None), H.valid_to > day))


def open_on(day: date):
    """Open rows that held at the end of a day (at most one per review)."""
    return and_(H.status == ReviewStatus.OPEN.value, valid_on(day))


def began_between(changes: tuple[str, ...], start: date, end: date):
    """Rows that began with one of these changes between two days (inclusive)."""
    return and_(H.change.in_(changes), H.valid_from.between(start, end))


def open_during(start: date, end: date):
    """Open rows that held at any time between two days (open at the end of the day before, or began in it)."""
    return and_(H.status == ReviewStatus.OPEN.value, H.valid_from <= end,
                or_(H.valid_to.is_(None), H.valid_to >= start))
