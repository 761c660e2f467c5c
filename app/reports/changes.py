"""What was recorded about reviews after a day, in words a user reads (labels and UK dates, never codes): the "why"
beside a signed-off return's differences (app/reports/returns.py), from the append-only audit trail."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.models import AuditEvent
from app.orgs.models import Partnership, Theme
from app.reviews.fields import FREE_TEXT_FIELDS, label
from app.reviews.types import PublicationStatus, RapidOutcome, ReviewStatus, ReviewType

EXPLAINED_ACTIONS = ("review.create", "review.edit", "review.status", "review.convert", "review.update",
                     "review.delete")
# Values given by their label (an unknown code is shown as it is stored).
CODED: dict[str, type[StrEnum]] = {"review_type": ReviewType, "status": ReviewStatus, "rapid_outcome": RapidOutcome,
                                   "publication_status": PublicationStatus}
# Long free text is named, not repeated: the review's own page and history show it.
NAMED_ONLY = frozenset({*FREE_TEXT_FIELDS, "snooze_reason"})


@dataclass
class Explanation:
    """Something recorded after a day that touched a review: what, who, when."""

    record_id: int
    when: datetime
    who: str
    what: str


def uk_date(day: date) -> str:
    """A date as the UK writes it (1 December 2021)."""
    return f"{day.day} {day:%B %Y}"


class Wording:
    """Puts audited values into words: labels for codes, themes and partnerships (read once), UK dates."""

    def __init__(self, session: Session):
        self.themes = dict(session.execute(select(Theme.code, Theme.label)).all())
        self.partnerships = dict(session.execute(select(Partnership.id, Partnership.name)).all())

    def value(self, name: str, value: Any) -> str:
        """One audited value as a user reads it."""
        if value in (None, "", []):
            return "(blank)"
        if isinstance(value, bool) or name == "media_interest":
            return "Yes" if value else "No"
        if name == "themes":
            return ", ".join(self.themes.get(code, code) for code in value)
        if name == "partnership_id":
            return self.partnerships.get(value, str(value))
        if name in CODED:
            try:
                return CODED[name](value).label
            except ValueError:
                return str(value)
        if isinstance(value, str) and len(value) == 10 and value[4:5] == "-":
            try:
                return uk_date(date.fromisoformat(value))
            except ValueError:
                return value
        return uk_date(value) if isinstance(value, date) else str(value)

    def change(self, name: str, values: list[Any]) -> str:
        """'Field: before to after' (or 'Field changed' for long free text)."""
        if name in NAMED_ONLY:
            return f"{label(name)} changed"
        return f"{label(name)}: {self.value(name, values[0])} to {self.value(name, values[1])}"

    def event(self, event: Any) -> str:
        """What an audited review event did."""
        changes = event.changes or {}
        if event.action == "review.create":
            return "entered after the sign-off (a late entry)"
        if event.action == "review.delete":
            return "deleted"
        if event.action == "review.update":
            return f"timeline entry added ({event.detail})" if event.detail else "timeline entry added"
        if event.action == "review.status":
            before, after = changes.get("status", [None, None])
            said = f"status {self.value('status', before).lower()} to {self.value('status', after).lower()}"
            return said + (f": {event.detail}" if event.detail else "")
        parts = [self.change(name, values) for name, values in sorted(changes.items()) if name != "status"]
        return "corrected " + "; ".join(parts) if parts else (event.detail or event.action)


def explanations(session: Session, record_ids: set[int], *, since: datetime) -> list[Explanation]:
    """What was recorded about these reviews after a moment (from the audit trail), oldest first per review."""
    if not record_ids:
        return []
    events = session.execute(
        select(AuditEvent.review_id, AuditEvent.occurred_at, AuditEvent.actor_email, AuditEvent.action,
               AuditEvent.changes, AuditEvent.detail)
        .where(AuditEvent.review_id.in_(sorted(record_ids)), AuditEvent.occurred_at > since,
               AuditEvent.action.in_(EXPLAINED_ACTIONS))
        .order_by(AuditEvent.review_id, AuditEvent.occurred_at, AuditEvent.id))
    wording = Wording(session)
    return [Explanation(e.review_id, e.occurred_at, e.actor_email or "system", wording.event(e)) for e in events]
