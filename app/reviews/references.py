"""The reference checks on a review's data (organisation, scope, partnership, themes, duplicate identifiers).

One rule, two ways to look things up: `SessionReferences` asks the database (one review at a time, the form),
`CachedReferences` answers from reference data read once (many reviews at a time, the import). Both feed the same
`reference_violations`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.orgs.models import Partnership, SubIcbLocation, Theme
from app.people.actor import Actor
from app.reviews.fields import label
from app.reviews.models import Review
from app.reviews.rules import ReviewInput, Violation, commissioning_body_violations

# (field, whether the review type is part of the uniqueness rule): see the unique constraints on Review.
IDENTIFIER_RULES = (("local_identifier", False), ("steis_number", True), ("lfpse_reference", True))
IdentifierOwner = Callable[[str, str, str, str | None, int | None], int | None]


class ReferenceData(Protocol):
    """What the reference checks need to know."""

    def location_exists(self, code: str) -> bool:
        """Whether a code is a current sub-ICB location."""

    def partnership(self, partnership_id: int) -> tuple[bool, str | None, str] | None:
        """(active, ICB code, kind) of a partnership, or None when there is no such partnership."""

    def active_themes(self, codes: list[str]) -> set[str]:
        """Which of these theme codes are on the managed list and active."""

    def identifier_owner(self, name: str, organisation_code: str, value: str, review_type: str | None,
                         exclude_id: int | None) -> int | None:
        """Another review of the organisation already using this identifier (None when free)."""


class SessionReferences:
    """Reference look-ups by query (one review at a time)."""

    def __init__(self, session: Session):
        self.session = session

    def location_exists(self, code: str) -> bool:
        """Whether a code is a current sub-ICB location."""
        return self.session.get(SubIcbLocation, code) is not None

    def partnership(self, partnership_id: int) -> tuple[bool, str | None, str] | None:
        """(active, ICB code, kind) of a partnership, or None."""
        found = self.session.get(Partnership, partnership_id)
        return None if found is None else (found.active, found.icb_code, found.kind)

    def active_themes(self, codes: list[str]) -> set[str]:
        """Which of these theme codes are active."""
        return set(self.session.scalars(select(Theme.code).where(Theme.code.in_(codes), Theme.active.is_(True))))

    def identifier_owner(self, name: str, organisation_code: str, value: str, review_type: str | None,
                         exclude_id: int | None) -> int | None:
        """Another review of the organisation using the identifier."""
        query = select(Review.id).where(Review.organisation_code == organisation_code,
                                        getattr(Review, name) == value)
        if review_type is not None:
            query = query.where(Review.review_type == review_type)
        if exclude_id is not None:
            query = query.where(Review.id != exclude_id)
        return self.session.scalar(query.limit(1))


class CachedReferences:
    """Reference data read once (locations, partnerships, active themes); identifiers asked of `owner`."""

    def __init__(self, session: Session, *, owner: IdentifierOwner):
        self.locations = set(session.scalars(select(SubIcbLocation.code)))
        self.partnerships = {pid: (active, icb, kind) for pid, active, icb, kind in session.execute(
            select(Partnership.id, Partnership.active, Partnership.icb_code, Partnership.kind))}
        self.themes = set(session.scalars(select(Theme.code).where(Theme.active.is_(True))))
        self.owner = owner

    def location_exists(self, code: str) -> bool:
        """Whether a code is a current sub-ICB location."""
        return code in self.locations

    def partnership(self, partnership_id: int) -> tuple[bool, str | None, str] | None:
        """(active, ICB code, kind) of a partnership, or None."""
        return self.partnerships.get(partnership_id)

    def active_themes(self, codes: list[str]) -> set[str]:
        """Which of these theme codes are active."""
        return {code for code in codes if code in self.themes}

    def identifier_owner(self, name: str, organisation_code: str, value: str, review_type: str | None,
                         exclude_id: int | None) -> int | None:
        """Another review of the organisation using the identifier."""
        return self.owner(name, organisation_code, value, review_type, exclude_id)


def reference_violations(refs: ReferenceData, data: ReviewInput, actor: Actor,
                         review_id: int | None = None) -> list[Violation]:
    """What normalised data breaks of the reference data, the actor's scope and the identifiers' uniqueness."""
    out: list[Violation] = []
    if data.organisation_code:
        if not refs.location_exists(data.organisation_code):
            out.append(Violation("organisation_code", "Organisation is not a current sub-ICB location code."))
        elif not actor.scope.covers_location(data.organisation_code):
            out.append(Violation("organisation_code", "Organisation is outside your scope."))
    if data.partnership_id is not None:
        partnership = refs.partnership(data.partnership_id)
        if partnership is None or not partnership[0]:
            out.append(Violation("partnership_id", "Safeguarding partnership is not on the managed list."))
        elif partnership[1] and not (actor.scope.is_national or partnership[1] in actor.scope.icb_codes):
            out.append(Violation("partnership_id", "Safeguarding partnership is outside your scope."))
        else:
            out += commissioning_body_violations(data.review_type, partnership[2])
    if data.themes:
        known = refs.active_themes(data.themes)
        if any(code not in known for code in data.themes):
            out.append(Violation("themes", "Abuse / vulnerability themes must come from the managed theme list."))
    for name, typed in IDENTIFIER_RULES:
        value = getattr(data, name)
        if not value or not data.organisation_code:
            continue
        other = refs.identifier_owner(name, data.organisation_code, value, data.review_type if typed else None,
                                      review_id)
        if other is not None:
            out.append(Violation(name, f"{label(name)} is already used by review #{other} of this organisation."))
    return out
