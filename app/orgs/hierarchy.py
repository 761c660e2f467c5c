"""Which ICB and region an organisation belonged to on a date, and the current tree."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.orgs.models import HierarchyEntry, LegacyCcgCode, SubIcbLocation


class UnknownOrganisation(LookupError):
    """The code is not a sub-ICB location (or CCG) in the reference data."""


@dataclass(frozen=True)
class RecordedHierarchy:
    """A location with its ICB and region (codes and names) as one vintage of the hierarchy published them."""

    valid_from: date
    vintage_label: str
    location_code: str
    location_name: str
    icb_code: str
    icb_name: str
    region_code: str
    region_name: str


class HierarchySnapshot:
    """Vintages of the hierarchy in memory, so a location resolves on a date without a query."""

    def __init__(self, entries: list[RecordedHierarchy], vintages: list[date] | None = None):
        self.vintages = sorted(set(vintages) if vintages is not None else {e.valid_from for e in entries})
        self.entries = {(e.valid_from, e.location_code): e for e in entries}
        self.earliest: dict[str, RecordedHierarchy] = {}
        for entry in sorted(entries, key=lambda e: e.valid_from, reverse=True):
            self.earliest[entry.location_code] = entry

    def vintage_for(self, on: date) -> date:
        """The valid-from date of the vintage in force on a date (the earliest one before 2021)."""
        if not self.vintages:
            raise UnknownOrganisation("the reference data has not been loaded (run `flask reference load`)")
        chosen = self.vintages[0]
        for valid_from in self.vintages:
            if valid_from <= on:
                chosen = valid_from
        return chosen

    def resolve(self, location_code: str, on: date) -> RecordedHierarchy:
        """The entry for a location on a date; a location absent from that vintage falls back to its earliest."""
        entry = self.entries.get((self.vintage_for(on), location_code)) or self.earliest.get(location_code)
        if entry is None:
            raise UnknownOrganisation(f"{location_code} is not a sub-ICB location or CCG code")
        return entry


_COLUMNS = [getattr(HierarchyEntry, f.name) for f in fields(RecordedHierarchy)]


def hierarchy_snapshot(session: Session) -> HierarchySnapshot:
    """Every vintage of the whole hierarchy, read in one query (for many reviews at once, e.g. an import)."""
    return HierarchySnapshot([RecordedHierarchy(*row) for row in session.execute(select(*_COLUMNS))])


def vintage_for(session: Session, on: date) -> date:
    """The valid-from date of the hierarchy vintage in force on a date (the earliest one before 2021)."""
    return HierarchySnapshot([], list(session.scalars(select(HierarchyEntry.valid_from).distinct()))).vintage_for(on)


def resolve_on(session: Session, location_code: str, on: date) -> RecordedHierarchy:
    """The hierarchy entry (location, ICB, region with names and codes) for a location on a date."""
    vintages = list(session.scalars(select(HierarchyEntry.valid_from).distinct()))
    entries = [RecordedHierarchy(*row) for row in
               session.execute(select(*_COLUMNS).where(HierarchyEntry.location_code == location_code))]
    return HierarchySnapshot(entries, vintages).resolve(location_code, on)


def current_location_for(session: Session, code: str) -> tuple[SubIcbLocation, str | None]:
    """Today's sub-ICB location for a current, April-2021 CCG, or legacy CCG code; and the legacy code mapped."""
    code = code.strip().upper()
    location = session.get(SubIcbLocation, code)
    if location is not None:
        return location, None
    legacy = session.get(LegacyCcgCode, code)
    if legacy is not None:
        location = session.get(SubIcbLocation, legacy.ccg_code)
        if location is not None:
            return location, legacy.legacy_code
    raise UnknownOrganisation(f"{code} is not a sub-ICB location, CCG or legacy CCG code")

