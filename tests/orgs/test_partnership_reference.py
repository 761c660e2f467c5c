"""The shipped partnership list (data/reference/partnerships.csv): real names with their sources, each in its
local authority's ICB, and the loose matching of names as trackers write them."""

from __future__ import annotations

import csv

import pytest
from sqlalchemy import select

from app.orgs.models import Partnership
from app.orgs.partnerships import kind_for_type, name_key, partnership_keys
from app.orgs.reference import REFERENCE_DIR, load_reference_data


def shipped() -> list[dict[str, str]]:
    with (REFERENCE_DIR / "partnerships.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_every_shipped_partnership_has_a_kind_a_local_authority_a_source_and_an_icb(session):
    rows = shipped()
    assert len(rows) == 22 and {r["kind"] for r in rows} == {"SAB", "LSCP", "CSP"}
    loaded = {p.name: p for p in session.scalars(select(Partnership).where(Partnership.source.is_not(None)))}
    assert set(loaded) == {r["name"] for r in rows}
    for row in rows:
        p = loaded[row["name"]]
        assert (p.kind, p.local_authority, p.source) == (row["kind"], row["local_authority"], row["source_url"])
        assert p.source.startswith(("https://", "http://")) and p.icb_code and p.active
    assert loaded["Nottinghamshire Safeguarding Adults Board"].icb_code == "QT1"
    assert loaded["Camden Safeguarding Adults Partnership Board"].icb_code == "QMJ"
    assert loaded["Bedford Borough and Central Bedfordshire Safeguarding Adults Board"].icb_code == "QHG"


def test_loading_again_changes_nothing_and_keeps_a_retired_partnership_retired(session):
    retired = session.scalar(select(Partnership).where(Partnership.name == "Mansfield Partnership Against Crime"))
    retired.active = False
    session.commit()
    report = load_reference_data(session)
    assert report.tables["partnerships"].unchanged == 22 and not report.changed
    assert retired.active is False


def test_a_listed_name_already_entered_in_another_case_is_not_added_twice(session):
    """A national admin (or an import) added the board before the shipped list had it, in capitals and with a
    double space: loading the list updates that entry instead of adding a second one."""
    entered = session.scalar(select(Partnership).where(Partnership.name == "Camden Safeguarding Children Partnership"))
    entered.name, entered.source, entered.local_authority = "CAMDEN SAFEGUARDING  CHILDREN PARTNERSHIP", None, None
    session.commit()
    report = load_reference_data(session)
    session.commit()
    same = session.scalars(select(Partnership).where(Partnership.name.ilike("camden safeguarding%children%"))).all()
    assert [(p.id, p.local_authority) for p in same] == [(entered.id, "Camden")]
    assert report.tables["partnerships"].updated == 1 and report.tables["partnerships"].created == 0


@pytest.mark.parametrize(("typed", "listed"), [
    ("Notts SAB", "Nottinghamshire Safeguarding Adults Board"),
    ("NOTTINGHAMSHIRE SAFEGUARDING ADULTS BOARD.", "Nottinghamshire Safeguarding Adults Board"),
    ("Nottingham City SAB", "Nottingham City Safeguarding Adults Board"),
    ("Camden SAPB", "Camden Safeguarding Adults Partnership Board"),
    ("London Borough of Barnet Safeguarding Children Partnership", "Barnet Safeguarding Children Partnership"),
    ("Bassetlaw Newark & Sherwood CSP", "Bassetlaw, Newark and Sherwood Community Safety Partnership"),
    ("Rushcliffe, Broxtowe and Gedling CSP", "South Nottinghamshire Community Safety Partnership"),
    ("Nottingham CDP", "Nottingham Crime and Drugs Partnership"),
])
def test_names_as_trackers_write_them_have_the_listed_partnerships_key(session, typed, listed):
    partnership = session.scalar(select(Partnership).where(Partnership.name == listed))
    assert name_key(typed) in partnership_keys(partnership)


def test_a_city_and_its_county_are_different_areas():
    assert name_key("Nottingham City SAB") != name_key("Nottinghamshire SAB")
    assert name_key("Camden").kind is None and kind_for_type("SAR_MANDATORY") == "SAB"
    assert (kind_for_type("CSPR"), kind_for_type("RAPID"), kind_for_type("DHR"), kind_for_type("OTHER")) == (
        "LSCP", "LSCP", "CSP", None)
