"""How long each text field of a review may be, and what no text may hold: one table, checked by the field rules
(app/reviews/rules.py) on every path (form, import, command line) and shown on the form.

Before these limits a 1,000,000-character overview saved, and the audit trail (which keeps before and after)
grew by megabytes per edit. Identifiers and initials are not here: their format rules in rules.py already bound
their length and the characters they may hold.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from app.reviews.fields import label
from app.text import NUL_MESSAGE, has_nul

# field -> the most characters it may hold (after trimming)
TEXT_LIMITS: dict[str, int] = {
    "type_other_description": 200,
    "overview": 4_000,
    "report_url": 500,
    "learning_1": 4_000,
    "learning_2": 4_000,
    "learning_3": 4_000,
    "recommendations": 10_000,
}

# action -> the most characters its reason may hold: a snooze reason is kept on the review (its column holds 300); a
# reopen reason goes into the append-only audit trail, where it can never be trimmed afterwards.
REASON_LIMITS: dict[str, int] = {"snooze": 300, "reopen": 1_000}


def text_problems(data: Any) -> Iterator[tuple[str, str]]:
    """(field, message) for each text field of `data` that is too long or holds a NUL byte."""
    for name, limit in TEXT_LIMITS.items():
        value = getattr(data, name, None)
        if not isinstance(value, str):
            continue
        if has_nul(value):
            yield name, f"{label(name)} {NUL_MESSAGE}"
        elif len(value) > limit:
            yield name, f"{label(name)} must be at most {limit:,} characters (it has {len(value):,})."


def limit_hint(name: str) -> str:
    """The limit as the form shows it under a field ("Up to 4,000 characters."); blank for a field without one."""
    limit = TEXT_LIMITS.get(name)
    return f"Up to {limit:,} characters." if limit else ""


def reason_problem(action: str, reason: str | None) -> str | None:
    """Why the reason given for `action` ("snooze", "reopen") cannot be kept (too long, a NUL byte), or None."""
    reason = (reason or "").strip()
    if has_nul(reason):
        return f"The reason {NUL_MESSAGE}"
    limit = REASON_LIMITS[action]
    if len(reason) > limit:
        return f"The reason must be at most {limit:,} characters (it has {len(reason):,})."
    return None
