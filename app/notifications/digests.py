"""Digests: weekly to designated professionals (their open reviews, what falls due in the next 14 days, what
went overdue in the last week); monthly and quarterly (NHS financial year) to regional leads and national
admins (counts, by type, overdue, themes, rapid review conversions). Each with a CSV of the rows behind it.

A digest's rows are selected with the RECIPIENT's Scope, so it only ever holds reviews they may see. One per
person and period (`digest:{user}:{kind}:{period}`); users who turned digests off get none.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.notifications.digest_rows import (
    PeriodFigures,
    RowSet,
    any_due_between,
    clock_rows,
    digest_request,
    period_figures,
    period_reviews,
    row_set,
)
from app.notifications.models import OutboxMessage
from app.notifications.outbox import Email, JobReport, enqueue
from app.notifications.periods import Period, due_period
from app.notifications.recipients import DESIGNATED_PROFESSIONAL, NATIONAL_ADMIN, REGIONAL_LEAD, Directory, Recipient
from app.notifications.render import render, review_line
from app.notifications.settings import NotificationSettings
from app.reports.dashboard import board_request
from app.reports.overdue import ANY, OVERDUE_CLOCKS, REVIEWS_OVERDUE, overdue_counts
from app.reviews.access import in_scope
from app.reviews.models import Review
from app.reviews.types import ReviewStatus
from app.timezone import london_today

LIST_LIMIT = 30  # reviews listed in the body of a weekly digest per section; the CSV holds them all
AUDIENCE = {"weekly": (DESIGNATED_PROFESSIONAL,), "monthly": (REGIONAL_LEAD, NATIONAL_ADMIN),
            "quarterly": (REGIONAL_LEAD, NATIONAL_ADMIN)}


@dataclass
class Digest:
    """A rendered digest for one person and period."""

    recipient: Recipient
    period: Period
    email: Email
    rows: RowSet
    empty: bool

    @property
    def dedup_key(self) -> str:
        """One digest per person, kind and period."""
        return f"digest:{self.recipient.user_id}:{self.period.kind}:{self.period.code}"


def _file_name(person: Recipient, period: Period) -> str:
    return f"{period.kind}-digest-{person.scope.code}-{period.code}.csv".lower()


def build_weekly(session: Session, person: Recipient, period: Period, *, today: date,
                 settings: NotificationSettings) -> Digest:
    """A designated professional's week: open reviews, due in the next 14 days, overdue since last week."""
    scope = person.scope
    horizon = settings.knobs.get("digest_due_within_days", 14)
    soon = (today, today + timedelta(days=horizon))
    last_week = (today - timedelta(days=7), today - timedelta(days=1))
    due_soon = clock_rows(session, scope, any_due_between(*soon, settings), today=today, settings=settings,
                          kinds_window=soon)
    went_overdue = clock_rows(session, scope, any_due_between(*last_week, settings), today=today, settings=settings,
                              kinds_window=last_week)
    longer = (date(1900, 1, 1), last_week[0] - timedelta(days=1))
    still_overdue = clock_rows(session, scope, any_due_between(*longer, settings), today=today, settings=settings,
                               kinds_window=longer)
    open_query = select(Review).where(in_scope(scope), Review.status == ReviewStatus.OPEN.value).order_by(Review.id)
    rows = row_set(session, open_query, filename=_file_name(person, period), today=today, settings=settings)
    sections = [
        _section("Reviews with a clock that went overdue in the last 7 days", "newly overdue", went_overdue, settings),
        _section(f"Reviews with a clock falling due in the next {horizon} days", f"due in {horizon} days", due_soon,
                 settings),
        _section("Reviews with a clock overdue for longer", "overdue for longer", still_overdue, settings),
    ]
    overdue = overdue_counts(session, board_request(scope, today, today), clocks=settings.clocks)[ANY]
    subject = (f"Weekly digest, week of {period.start.day} {period.start:%b %Y}: {rows.total} open, "
               f"{sections[0]['total']} with a newly overdue clock, {sections[1]['total']} with a clock due in "
               f"{horizon} days")
    text, html = render("digest_weekly", settings, subject=subject, heading=f"Your week: {period.label}",
                        recipient=person, period=period, open_total=rows.total, sections=sections, rows=rows,
                        list_limit=LIST_LIMIT, overdue_total=overdue, overdue_label=REVIEWS_OVERDUE,
                        clocks_label=OVERDUE_CLOCKS)
    email = Email("digest_weekly", person.email, person.user_id, subject, text, html, (rows.attachment,))
    return Digest(person, period, email, rows, empty=not (rows.total or due_soon or went_overdue))


def _section(title: str, short: str, found: list, settings: NotificationSettings) -> dict:
    """A weekly digest section: how many reviews, how many clocks, and a line per clock (the first LIST_LIMIT)."""
    return {"title": title, "short": short, "total": len({review.id for review, _ in found}), "clocks": len(found),
            "lines": [review_line(r, settings, c) for r, c in found[:LIST_LIMIT]]}


def build_period(session: Session, person: Recipient, period: Period, *, today: date,
                 settings: NotificationSettings) -> Digest:
    """A regional or national month / quarter: the report's figures for the recipient's scope, as at the period's end
    (the same numbers as the Reports page for that scope on the current hierarchy)."""
    scope = person.scope
    request = digest_request(scope, period, today=today)
    figures: PeriodFigures = period_figures(session, request, settings=settings)
    behind, opened, closed = period_reviews(session, request)
    in_period = select(Review).where(in_scope(scope), behind).order_by(Review.id)
    rows = row_set(session, in_period, filename=_file_name(person, period), today=today, settings=settings,
                   header_extra=["New in period", "Closed or converted in period"],
                   columns_for=lambda r: ["Yes" if r.id in opened else "No", "Yes" if r.id in closed else "No"])
    where = "England" if scope.is_national else scope.name
    title = "Monthly" if period.kind == "monthly" else "Quarterly"
    subject = (f"{title} digest for {where}, {period.label}: {figures.opened} new, "
               f"{figures.closed} closed or converted, {figures.open_at_end} open")
    text, html = render("digest_period", settings, subject=subject, heading=f"{title} digest: {where}",
                        recipient=person, period=period, figures=figures, rows=rows, where=where, today=today)
    email = Email(f"digest_{period.kind}", person.email, person.user_id, subject, text, html, (rows.attachment,))
    return Digest(person, period, email, rows, empty=figures.empty)


def build_digest(session: Session, person: Recipient, period: Period, *, today: date,
                 settings: NotificationSettings) -> Digest:
    """The digest a person gets for a period (weekly for designated professionals, else monthly/quarterly)."""
    builder = build_weekly if period.kind == "weekly" else build_period
    return builder(session, person, period, today=today, settings=settings)


def send_digests(session: Session, *, kind: str, now: datetime, settings: NotificationSettings,
                 period: Period | None = None) -> JobReport:
    """Queue the digest of the due period (or a given one) for everyone in the audience with digests on."""
    today = london_today(now)
    period = period or due_period(kind, today)
    directory = Directory(session)
    report = JobReport(f"{kind}-digest", [])
    for role in AUDIENCE[kind]:
        for person in directory.users(role):
            if not person.digests_enabled:
                continue
            key = f"digest:{person.user_id}:{period.kind}:{period.code}"
            if session.scalar(select(OutboxMessage.id).where(OutboxMessage.dedup_key == key)) is not None:
                continue  # already queued: skip the work (the insert below is the real guarantee)
            digest = build_digest(session, person, period, today=today, settings=settings)
            if digest.empty and not settings.knobs["send_empty_digests"]:
                continue
            report.add(enqueue(session, dedup_key=digest.dedup_key, email=digest.email, now=now), digest.email)
    return report
