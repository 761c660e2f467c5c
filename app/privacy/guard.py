"""The patient-identifiable-data guard: one check that every save path (form, import, CLI) calls.

``scan_text`` says which kinds of patient identifiable data a text appears to hold; ``check_fields``
does the same for a record's fields and words one message per field and kind. Neither ever repeats the
value it found: messages name the field and the kind of data only.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date

from app.privacy.dates import has_date_of_birth
from app.privacy.names import has_name
from app.privacy.patterns import Span, find_emails, find_nhs_numbers, find_phone_numbers, find_postcodes
from app.timezone import london_today
from app.types import utcnow

# The kinds, in the order findings are reported, with the field-free description used in messages.
KINDS: dict[str, str] = {
    "nhs_number": "an NHS number",
    "date_of_birth": "a date of birth",
    "postcode": "a postcode",
    "email": "an email address",
    "phone": "a phone number",
    "name": "what looks like a person's name",
}


@dataclass(frozen=True)
class Finding:
    """One kind of patient identifiable data found in a text (never the value itself)."""

    kind: str
    description: str


@dataclass(frozen=True)
class FieldFinding:
    """One kind of patient identifiable data found in a named field, with a message safe to show."""

    field: str
    kind: str
    message: str


def _overlaps(span: Span, others: list[Span]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in others)


def _blank(text: str, spans: list[Span]) -> str:
    """The text with each span replaced by spaces (offsets kept), so later checks do not see it again."""
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def scan_text(text: str | None, *, identifier: bool = False, today: date | None = None) -> list[Finding]:
    """Findings in one text; identifier=True for StEIS/local id fields, where name-like words are judged strictly.
    `today` (the caller's day; default: today in England) judges whether a date beside an age is a birth date."""
    if text is None:
        return []
    if not isinstance(text, str):
        raise TypeError("scan_text expects a str or None")
    if not text.strip():
        return []
    emails = find_emails(text)
    without_emails = _blank(text, emails)
    nhs_numbers = find_nhs_numbers(without_emails)
    phones = [span for span in find_phone_numbers(without_emails) if not _overlaps(span, nhs_numbers)]
    without_numbers = _blank(without_emails, nhs_numbers + phones)
    postcodes = find_postcodes(without_numbers)
    found = {
        "nhs_number": bool(nhs_numbers),
        "date_of_birth": has_date_of_birth(without_emails, today=today or london_today(utcnow())),
        "postcode": bool(postcodes),
        "email": bool(emails),
        "phone": bool(phones),
        "name": has_name(_blank(without_numbers, postcodes), identifier=identifier),
    }
    return [Finding(kind, description) for kind, description in KINDS.items() if found[kind]]


def _label(field: str, labels: Mapping[str, str] | None) -> str:
    if labels and field in labels:
        return labels[field]
    return field.replace("_", " ").strip().capitalize()


def check_fields(
    fields: Mapping[str, str | None],
    *,
    labels: Mapping[str, str] | None = None,
    identifier_fields: Collection[str] = (),
    today: date | None = None,
) -> list[FieldFinding]:
    """Scan several fields; labels maps field name -> human label used in messages (`today` as for scan_text)."""
    results: list[FieldFinding] = []
    for field, value in fields.items():
        label = _label(field, labels)
        for finding in scan_text(value, identifier=field in identifier_fields, today=today):
            message = f"{label}: contains {finding.description} (patient identifiable data is not allowed here)"
            results.append(FieldFinding(field, finding.kind, message))
    return results
