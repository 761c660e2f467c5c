"""Which ICB and region an organisation belonged to on a date, and the current tree."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.orgs.models import HierarchyEntry, IntegratedCareBoard, LegacyCcgCode, SubIcbLocation


class UnknownOrganisation(LookupError):
    """The code is not a sub-ICB location (or CCG) in the reference data."""


def vintage_for(session: Session, on: date) -> date:
    """The valid-from date of the hierarchy vintage in force on a date (the earliest one before 2021)."""
    dates = sorted(session.scalars(select(HierarchyEntry.valid_from).distinct()))
    if not dates:
        raise UnknownOrganisation("the reference data has not been loaded (run `flask reference load`)")
    chosen = dates[0]
    for valid_from in dates:
        if valid_from <= on:
            chosen = valid_from
    return chosen


def resolve_on(session: Session, location_code: str, on: date) -> HierarchyEntry:
    """The hierarchy entry (location, ICB, region with names and codes) for a location on a date."""
    vintage = vintage_for(session, on)
    entry = session.scalar(
        select(HierarchyEntry).where(
            HierarchyEntry.valid_from == vintage, HierarchyEntry.location_code == location_code
        )
    )
    if entry is None:
        # A location absent from that vintage: fall back to its newest entry that is not later than needed.
        entry = session.scalar(
            select(HierarchyEntry)
            .where(HierarchyEntry.location_code == location_code)
            .order_by(HierarchyEntry.valid_from)
        )
    if entry is None:
        raise UnknownOrganisation(f"{location_code} is not a sub-ICB location or CCG code")
    return entry


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


def locations_by_icb(session: Session) -> dict[str, list[SubIcbLocation]]:
    """The current tree: ICB code to its sub-ICB locations."""
    tree: dict[str, list[SubIcbLocation]] = {}
    for loc in session.scalars(select(SubIcbLocation).order_by(SubIcbLocation.name)):
        tree.setdefault(loc.icb_code, []).append(loc)
    return tree


def icbs_of_region(session: Session, region_code: str) -> list[IntegratedCareBoard]:
    """The current ICBs of a region."""
    return list(
        session.scalars(
            select(IntegratedCareBoard).where(IntegratedCareBoard.region_code == region_code).order_by(
                IntegratedCareBoard.name
            )
        )
    )
