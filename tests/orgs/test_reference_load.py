"""`flask reference load`: the real hierarchy, the counts the issue names, and idempotence."""

from sqlalchemy import func, select

from app.orgs.hierarchy import current_location_for, resolve_on
from app.orgs.models import (
    CcgCrosswalk,
    HierarchyEntry,
    IntegratedCareBoard,
    LegacyCcgCode,
    Region,
    SubIcbLocation,
    Theme,
)


def _counts(session):
    return {m.__tablename__: session.scalar(select(func.count()).select_from(m))
            for m in (Region, IntegratedCareBoard, SubIcbLocation, HierarchyEntry, CcgCrosswalk, LegacyCcgCode, Theme)}


def test_reference_load_twice_prints_same_counts_and_changes_nothing(app, session):
    runner = app.test_cli_runner()
    before = _counts(session)
    first = runner.invoke(args=["reference", "load"])
    second = runner.invoke(args=["reference", "load"])
    assert first.exit_code == 0 and second.exit_code == 0, first.output
    assert "regions                          7" in second.output
    assert "ICBs                            42" in second.output
    assert "sub-ICB locations              106" in second.output
    assert "themes                          35" in second.output
    assert "nothing changed" in second.output and "nothing changed" in first.output  # template already loaded
    assert _counts(session) == before
    assert before == {"region": 7, "icb": 42, "sub_icb_location": 106, "hierarchy_entry": 318, "ccg_crosswalk": 106,
                      "legacy_ccg_code": 118, "theme": 35}


def test_reference_load_restores_an_edited_row(app, session):
    session.get(Region, "Y56").name = "Londinium"
    session.commit()
    result = app.test_cli_runner().invoke(args=["reference", "load"])
    assert "regions                          7  (created 0, updated 1, unchanged 6)" in result.output
    assert session.get(Region, "Y56").name == "London"


def test_bassetlaw_resolves_to_its_region_as_it_was_on_the_date(session):
    before = resolve_on(session, "02Q", __import__("datetime").date(2022, 3, 1))
    after = resolve_on(session, "02Q", __import__("datetime").date(2022, 7, 1))
    assert (before.icb_code, before.region_code) == ("QF7", "Y63")
    assert (after.icb_code, after.region_code) == ("QT1", "Y60")
    early = resolve_on(session, "02Q", __import__("datetime").date(2019, 1, 1))
    assert early.vintage_label == "April 2021"


def test_legacy_ccg_code_maps_to_todays_sub_icb_location(session):
    location, legacy = current_location_for(session, "00C")  # NHS Darlington -> Tees Valley (16C)
    assert (location.code, legacy) == ("16C", "00C")
    assert current_location_for(session, "93c")[0].code == "93C"
