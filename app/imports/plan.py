"""How a row relates to the tracker: the review it matches, duplicates within the file, and what it would change.

A row matches a review of the same organisation with the same local identifier, or the same StEIS number or
LFPSE reference and type of review (the uniqueness rules of app.reviews.models.Review).
"""

from __future__ import annotations

from dataclasses import fields

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from app.imports.rows import ImportRow
from app.reviews.fields import label
from app.reviews.models import Review
from app.reviews.rules import ReviewInput
from app.reviews.service import input_from_review
from app.reviews.types import RapidOutcome, ReviewType

IDENTITY_FIELDS = ("local_identifier", "steis_number", "lfpse_reference")


class AmbiguousMatch(LookupError):
    """The row's identifiers point at more than one review."""

    def __init__(self, ids: list[int]):
        super().__init__(f"The row's identifiers match more than one review (#{', #'.join(map(str, ids))}): "
                         "correct the identifiers so they name one review.")
        self.ids = ids


def identity_keys(data: ReviewInput) -> list[tuple[str, ...]]:
    """The keys that make a review unique within its organisation (what two rows of one file may not share)."""
    org = (data.organisation_code or "").strip().upper()
    if not org:
        return []
    keys: list[tuple[str, ...]] = []
    local, steis, lfpse = (((getattr(data, n) or "").strip()) for n in IDENTITY_FIELDS)
    rtype = data.review_type or ""
    if local:
        keys.append(("local_identifier", org, local))
    if steis:
        keys.append(("steis_number", org, rtype, steis))
    if lfpse:
        keys.append(("lfpse_reference", org, rtype, lfpse))
    return keys


def _lower(text: str) -> str:
    """'Local identifier' -> 'local identifier'; 'StEIS number' stays."""
    return text[0].lower() + text[1:] if text[1:2].islower() else text


class DuplicateRows:
    """Remembers the identity keys seen so far in a file, to report a second row for the same review."""

    def __init__(self) -> None:
        self.seen: dict[tuple[str, ...], int] = {}

    def check(self, row: ImportRow) -> list[tuple[str, str]]:
        """(field, message) for each key of the row already used by an earlier row; the row's keys are remembered."""
        out = []
        for key in identity_keys(row.data):
            first = self.seen.setdefault(key, row.number)
            if first != row.number:
                out.append((key[0], f"Same {_lower(label(key[0]))} as row {first}: one review may appear only once in a "
                                    "file (delete or correct one of the rows)."))
        return out


def find_match(session: Session, data: ReviewInput) -> Review | None:
    """The existing review a row names (same organisation and identifier), or None; AmbiguousMatch for several."""
    org = data.organisation_code
    if not org:
        return None
    terms = []
    if data.local_identifier:
        terms.append(Review.local_identifier == data.local_identifier)
    if data.steis_number and data.review_type:
        terms.append(and_(Review.review_type == data.review_type, Review.steis_number == data.steis_number))
    if data.lfpse_reference and data.review_type:
        terms.append(and_(Review.review_type == data.review_type, Review.lfpse_reference == data.lfpse_reference))
    if not terms:
        return None
    found = list(session.scalars(select(Review).where(Review.organisation_code == org, or_(*terms)).limit(3)))
    if len(found) > 1:
        raise AmbiguousMatch(sorted(r.id for r in found))
    return found[0] if found else None


def merged_input(row: ImportRow, review: Review) -> ReviewInput:
    """The review's current values with every field the file has a column for replaced by the row's value."""
    merged = input_from_review(review)
    for name in row.present:
        value = getattr(row.data, name)
        setattr(merged, name, list(value) if name == "themes" else value)
    return merged


def changed_fields(before: ReviewInput, after: ReviewInput) -> tuple[str, ...]:
    """Labels of the fields that differ (both normalised, as the service compares them)."""
    a, b = before.normalised(), after.normalised()
    return tuple(label(f.name) for f in fields(ReviewInput) if getattr(a, f.name) != getattr(b, f.name))


def same_text(a: str | None, b: str | None) -> bool:
    """Whether two texts are the same but for spacing and line breaks."""
    return " ".join((a or "").split()) == " ".join((b or "").split())


def becomes_types(outcome: RapidOutcome) -> set[str]:
    """The review types a rapid review with this decision may have become."""
    if outcome == RapidOutcome.SAR:
        return {ReviewType.SAR_MANDATORY.value, ReviewType.SAR_DISCRETIONARY.value}
    return {outcome.becomes.value} if outcome.becomes else set()
