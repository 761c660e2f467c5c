"""How values read on screen: UK dates, Yes/No, role, type, status and theme labels instead of codes.

Registered as Jinja filters and globals (register_formatting) and used by list and details formatters, the
review history, the audit trail and the users list, so every screen says a thing the same way.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

from flask import Flask, g, has_request_context
from sqlalchemy import select

from app.extensions import db
from app.notifications.chasers import STAGES
from app.notifications.reminders import ESCALATION, STALE
from app.orgs.models import Partnership, Theme
from app.people.roles import ROLES
from app.people.service import scope_choices
from app.reviews.types import (
    RAPID_OUTCOME_LABELS,
    PublicationStatus,
    RapidOutcome,
    ReviewStatus,
    ReviewType,
)
from app.timezone import LONDON

NOT_RECORDED = "—"


def uk_date(value: date | datetime | str | None) -> str:
    """3 December 2026 (a date, a datetime or an ISO date string); blank for none."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return value
    return f"{value.day} {value:%B %Y}"


def uk_datetime(value: datetime | str | None) -> str:
    """3 December 2026, 14:05 in England's time (no seconds, no microseconds); blank for none."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, datetime):
        # stored instants are UTC (SQLite hands them back naive)
        value = (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(LONDON)
    return f"{value.day} {value:%B %Y}, {value:%H:%M}"


def yes_no(value: Any) -> str:
    """Yes / No for a boolean."""
    return "Yes" if value else "No"


def role_label(role_name: str | None) -> str:
    """A role's name as users read it (National admin, Viewer, ...)."""
    return ROLES.get(role_name or "", {}).get("label", role_name or "")


def _enum_label(kind, value: str) -> str:
    try:
        return kind(value).label
    except ValueError:
        return value


def theme_labels() -> dict[str, str]:
    """Theme code → label, read once per request (the list is small)."""
    if has_request_context() and "theme_labels" in g:
        return g.theme_labels
    labels = dict(db.session.execute(select(Theme.code, Theme.label)).all())
    if has_request_context():
        g.theme_labels = labels
    return labels


def scope_label(code: str | None) -> str:
    """A scope node as users read it (Region: London (Y56)); the node list is read once per request."""
    if has_request_context() and "scope_labels" in g:
        labels = g.scope_labels
    else:
        labels = dict(scope_choices(db.session))
        if has_request_context():
            g.scope_labels = labels
    return labels.get(code or "", code or "")


def _theme_list(value: Any) -> str:
    codes = json.loads(value) if isinstance(value, str) and value.startswith("[") else value
    if isinstance(codes, str):
        codes = [codes]
    labels = theme_labels()
    return "; ".join(labels.get(c, c) for c in codes or []) or NOT_RECORDED


def _partnership(value: Any) -> str:
    partnership = db.session.get(Partnership, int(value)) if str(value).isdigit() else None
    return partnership.name if partnership else str(value)


CHANGE_LABELS = {
    "partnership_id": _partnership,
    "review_type": lambda v: _enum_label(ReviewType, v),
    "status": lambda v: _enum_label(ReviewStatus, v),
    "publication_status": lambda v: _enum_label(PublicationStatus, v),
    "rapid_outcome": lambda v: RAPID_OUTCOME_LABELS.get(RapidOutcome(v), v) if v in set(RapidOutcome) else v,
    "role": role_label,
    "scope_code": scope_label,
    "themes": _theme_list,
    "theme_codes": _theme_list,
}


def change_value(field: str, value: Any) -> str:
    """One side of an audited change (before or after) as users read it: labels, Yes/No, UK dates."""
    if value is None or value == "" or value == []:
        return NOT_RECORDED
    if field in CHANGE_LABELS:
        return CHANGE_LABELS[field](value)
    if field.startswith("theme_") and isinstance(value, str):
        return theme_labels().get(value, value)
    if isinstance(value, bool):
        return yes_no(value)
    if isinstance(value, str) and len(value) >= 10 and value[4] == "-" and value[7] == "-":
        return uk_datetime(value) if "T" in value else uk_date(value)
    if isinstance(value, list):
        return "; ".join(change_value(field, v) for v in value)
    return str(value)


EMAIL_KINDS = {STALE: "Stale-review reminder", ESCALATION: "Stale-review escalation",
               **{code: f"Chaser: {stage.title.lower()}" for code, stage in STAGES.items()}}


def email_kind(kind: str | None) -> str:
    """What kind of email a notice was (a reminder, an escalation, a chaser) in words."""
    return EMAIL_KINDS.get(kind or "", (kind or "").replace("_", " ").replace("-", " ").capitalize())


def register_formatting(app: Flask) -> None:
    """Make the formatters available to every template."""
    app.jinja_env.filters.update(uk_date=uk_date, uk_datetime=uk_datetime, yes_no=yes_no, role_label=role_label,
                                 email_kind=email_kind)
    app.jinja_env.globals.update(role_label=role_label, change_value=change_value)
