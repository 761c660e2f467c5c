"""Writing one person's grouped email of a run (chases, reminders, the morning email) and counting it in the report."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from sqlalchemy.orm import Session

from app.notifications.outbox import Email, JobReport, Notice, send_grouped


def queue_grouped(session: Session, report: JobReport, *, prefix: str, notices: list[Notice],
                  compose: Callable[[list[Notice]], Email], today: date, now: datetime) -> None:
    """Claim a person's notices and enqueue one email about exactly the new ones (built by `compose`); report it."""
    made: list[tuple[Email, int]] = []

    def render(claimed: list[Notice]) -> Email:
        email = compose(claimed)
        made.append((email, len(claimed)))
        return email

    outbox_id = send_grouped(session, prefix=prefix, notices=notices, render=render, today=today, now=now)
    if made:
        report.notices += made[-1][1]
        report.add(outbox_id, made[-1][0])
