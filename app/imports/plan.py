"""How a row relates to the tracker: the review it matches, duplicates within the file, and what it would change.

A row matches a review of the same organisation with the same local identifier, or the same StEIS number or
LFPSE reference and type of review (the uniqueness rules of app.reviews.models.Review).
"""

from __future__ import annotations

from dataclasses import fields
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.imports.rows import ImportRow
from app.reviews.actions import suggested_identifier
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
    first = text.split()[0]
    return text[0].lower() + text[1:] if first[1:].islower() else text


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
                out.append((key[0], f"Same {_lower(label(key[0]))} as row {first}: one review may appear only once "
                                    "in a file (delete or correct one of the rows)."))
        return out


class ReviewIndex:
    """The identity keys of existing reviews, loaded once per organisation a file names, kept up to date as the
    import creates and edits reviews (one query per organisation instead of one per row)."""

    def __init__(self, session: Session):
        self.session = session
        self.loaded: set[str] = set()
        self.ids: dict[tuple[str, ...], int] = {}
        self.keys_of: dict[int, list[tuple[str, ...]]] = {}

    def _load(self, org: str) -> None:
        self.loaded.add(org)
        columns = (Review.id, Review.organisation_code, Review.review_type, Review.local_identifier,
                   Review.steis_number, Review.lfpse_reference)
        for rid, *values in self.session.execute(select(*columns).where(Review.organisation_code == org)):
            self._put(rid, ReviewInput(organisation_code=values[0], review_type=values[1], local_identifier=values[2],
                                       steis_number=values[3], lfpse_reference=values[4]))

    def _put(self, rid: int, data: ReviewInput) -> None:
        for key in self.keys_of.pop(rid, []):
            if self.ids.get(key) == rid:
                del self.ids[key]
        self.keys_of[rid] = identity_keys(data)
        for key in self.keys_of[rid]:
            self.ids[key] = rid

    def remember(self, review: Review) -> None:
        """Index a review the import created or edited (its keys may have changed)."""
        if review.organisation_code in self.loaded:
            self._put(review.id, input_from_review(review))

    def find(self, data: ReviewInput) -> Review | None:
        """The existing review a row names (same organisation and identifier), or None; AmbiguousMatch for several."""
        org = (data.organisation_code or "").strip().upper()
        if not org:
            return None
        if org not in self.loaded:
            self._load(org)
        keys = [k for k in identity_keys(data) if k[0] == "local_identifier" or data.review_type]
        ids = sorted({self.ids[k] for k in keys if k in self.ids})
        if len(ids) > 1:
            raise AmbiguousMatch(ids)
        return self._review(ids[0]) if ids else None

    def _review(self, rid: int) -> Review:
        return self.session.get(Review, rid)


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


def entry_key(text: str | None) -> str:
    """A timeline entry's text as entries are compared: the same but for spacing and line breaks."""
    return " ".join((text or "").split())


def has_entry(entries: set[tuple[date, str]], text: str, entry_date: date | None) -> bool:
    """Whether a review's timeline already holds this entry: the same text, on the same date when the file gives
    one (so a file whose latest update is older than the review's newest entry imports once, not at every run)."""
    key = entry_key(text)
    return any(k == key and (entry_date is None or d == entry_date) for d, k in entries)


def becomes_types(outcome: RapidOutcome) -> set[str]:
    """The review types a rapid review with this decision may have become."""
    if outcome == RapidOutcome.SAR:
        return {ReviewType.SAR_MANDATORY.value, ReviewType.SAR_DISCRETIONARY.value}
    return {outcome.becomes.value} if outcome.becomes else set()


class FileReviews:
    """The reviews this file's rows created or matched, by tracker number and by identifier (for conversions)."""

    def __init__(self) -> None:
        self.by_tracker_number: dict[str, int] = {}
        self.by_identity: dict[tuple[str, str], list[tuple[str, int]]] = {}

    def add(self, review: Review, tracker_number: str | None) -> None:
        """Remember a review a row stands for."""
        if tracker_number:
            self.by_tracker_number[tracker_number] = review.id
        for value in {review.steis_number, review.lfpse_reference, review.local_identifier} - {None}:
            self.by_identity.setdefault((review.organisation_code, value), []).append((review.review_type, review.id))

    def _typed(self, org: str, value: str, types: set[str], exclude: int) -> int | None:
        return next((i for t, i in self.by_identity.get((org, value), []) if t in types and i != exclude), None)

    def conversion_target(self, session: Session, review: Review, outcome: RapidOutcome,
                          converted_to: str | None) -> Review | None:
        """The review a converted rapid review became: named by 'Converted to' (a tracker number or identifier in
        the file), else a review of the decided type sharing its StEIS/LFPSE number or the suggested identifier."""
        types = becomes_types(outcome)
        if not types:
            return None
        org = review.organisation_code
        if converted_to:
            rid = self.by_tracker_number.get(converted_to) or self._typed(org, converted_to, types, review.id)
            if rid is not None and rid != review.id:
                return session.get(Review, rid)
        values = [v for v in (review.steis_number, review.lfpse_reference, suggested_identifier(review, outcome)) if v]
        for value in values:
            rid = self._typed(org, value, types, review.id)
            if rid is not None:
                return session.get(Review, rid)
        if not values:
            return None
        same = or_(*[column == v for v in values for column in (Review.steis_number, Review.lfpse_reference,
                                                                 Review.local_identifier)])
        found = session.scalars(select(Review).where(Review.organisation_code == org, Review.review_type.in_(types),
                                                     Review.id != review.id, same)).first()
        return found if found is not None and not found.converted_from else None
