"""Rendering emails from the Jinja templates in app/templates/email (HTML and plain text, same content).

Emails carry identifiers, dates, clock states and links, never free-text case content (no overview, update
text or learning): `ReviewLine` is the only shape of a review a template ever sees.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from app.notifications.settings import NotificationSettings
from app.reviews.clocks import ClockState
from app.reviews.export import neutralise
from app.reviews.types import type_short

TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "email"
RAG_COLOURS = {"red": "#d5281b", "amber": "#b35a00", "green": "#007f3b"}


def long_date(value: date | None) -> str:
    """'Fri 12 Dec 2025'."""
    return f"{value:%a} {value.day} {value:%b %Y}" if value else ""


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The email template environment (HTML autoescaped, text not)."""
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["d"] = long_date
    env.globals["RAG_COLOURS"] = RAG_COLOURS
    return env


@dataclass(frozen=True)
class ReviewLine:
    """A review as an email shows it: identifiers, organisation, dates, one clock and the link."""

    id: int
    identifier: str
    type_short: str
    organisation: str
    date_added: date
    url: str
    clock: ClockState | None = None
    note: str = ""
    stale_since: date | None = None

    @property
    def clock_text(self) -> str:
        """'Sign-off expected: due Fri 12 Dec 2025 (3 days overdue)'; for the stale clock, the last update."""
        if self.clock is None:
            return ""
        if self.clock.kind == "stale":
            return f"No update since {long_date(self.last_activity)} ({self.days_without_update} days)"
        return f"{self.clock.label}: due {long_date(self.clock.due)} ({self.clock.summary})"

    @property
    def today(self) -> date | None:
        """The day the clock was read."""
        return self.clock.due - timedelta(days=self.clock.days_left) if self.clock else None

    @property
    def last_activity(self) -> date | None:
        """For the stale clock: the newest update (or the date added)."""
        return self.date_added if self.stale_since is None else self.stale_since

    @property
    def days_without_update(self) -> int:
        """For the stale clock: days since the last activity."""
        return (self.today - self.last_activity).days if self.today and self.last_activity else 0


def review_line(
    review: Any, settings: NotificationSettings, clock: ClockState | None = None, note: str = ""
) -> ReviewLine:
    """The email view of a review (never its overview, updates or learning)."""
    return ReviewLine(
        id=review.id,
        identifier=review.identifier,
        type_short=type_short(review.review_type, review.date_added),
        organisation=_organisation(review),
        date_added=review.date_added,
        url=settings.review_url(review.id),
        clock=clock,
        note=note,
        stale_since=review.latest_update_on or review.date_added,
    )


def _organisation(review: Any) -> str:
    name = review.organisation.name if review.organisation else ""
    return name if review.organisation_code in name else f"{name} ({review.organisation_code})".strip()


def render(name: str, settings: NotificationSettings, **context: Any) -> tuple[str, str]:
    """Render `email/<name>.txt` and `email/<name>.html` with the same context; returns (text, html)."""
    env = environment()
    context = {"settings": settings, **context}
    return env.get_template(f"{name}.txt").render(**context), env.get_template(f"{name}.html").render(**context)


def csv_attachment(filename: str, header: list[str], rows: Iterable[list[Any]]) -> dict:
    """A CSV attachment (formula-neutralised cells) as stored in the outbox."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else (v.isoformat() if isinstance(v, date) else neutralise(v)) for v in row])
    return {"filename": filename, "content_type": "text/csv", "text": buffer.getvalue()}


def plural(n: int, word: str, many: str | None = None) -> str:
    """'1 review', '3 reviews'."""
    return f"{n} {word if n == 1 else (many or word + 's')}"
