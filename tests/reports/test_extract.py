"""The national S-CRT extract: the collection's columns in order, the inclusion rule, value codes, files, audit."""

from __future__ import annotations

import copy
import csv
import io
from datetime import date

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.orgs.scope import scope_for_code
from app.people.actor import system_actor
from app.reports.extract import ExtractConfigError, check_mapping, csv_chunks, extract_rows
from app.reports.request import prepare_request
from config.scrt import SCRT_EXTRACT
from tests.reports.support import TODAY, xlsx_sheets
from tests.support.web import sign_in

COLLECTION_ORDER = [
    "Status", "Date added", "CCG area", "CCG code", "STP/ICS area", "STP/ICS code", "Region name", "Region code",
    "Designated professional's initials", "Safeguarding partnership / board / CSP", "StEIS number / local identifier",
    "Type of review", "Incident date", "Brief overview", "Abuse / vulnerability theme 1",
    "Abuse / vulnerability theme 2", "Abuse / vulnerability theme 3", "Media interest", "Latest update",
    "Date report signed off", "Publication date", "Public / embargoed", "Web link to report",
    "Organisational learning 1", "Organisational learning 2", "Organisational learning 3",
    "Lessons learned / recommendations",
]
LONDON_Q3 = ["RPT-O1", "RPT-L10", "RPT-L1", "RPT-L2", "RPT-L6", "RPT-L6c", "RPT-L7", "RPT-L3", "RPT-L9", "RPT-L8"]
URL = "/admin/reports/extract.{fmt}?period=2021-Q3&scope={scope}&geography={geography}"


def read_csv(text: str) -> tuple[dict, list[dict]]:
    """(preamble, rows as dicts) of an extract CSV with its preamble."""
    rows = list(csv.reader(io.StringIO(text)))
    blank = rows.index([])
    preamble = {r[0]: r[1] for r in rows[1:blank]}
    header = rows[blank + 1]
    return preamble, [dict(zip(header, r, strict=True)) for r in rows[blank + 2:]]


def by_identifier(rows: list[dict]) -> dict[str, dict]:
    return {r["StEIS number / local identifier"]: r for r in rows}


def test_columns_are_the_collections_in_its_order():
    assert [label for _, label in SCRT_EXTRACT["columns"]] == COLLECTION_ORDER


def test_london_q3_as_csv(client, reviews):
    sign_in(client, "lead_london")
    response = client.get(URL.format(fmt="csv", scope="Y56", geography="recorded"), buffered=False)  # as streamed
    assert response.status_code == 200 and response.is_streamed
    assert "scrt-extract-2021-Q3-Y56-recorded.csv" in response.headers["Content-Disposition"]
    preamble, rows = read_csv(response.get_data(as_text=True))
    assert preamble["Geography"].startswith("As recorded")
    assert preamble["Scope"] == "region Y56 London"
    assert preamble["Includes"].startswith("Reviews open at any time during the period")
    assert list(rows[0]) == COLLECTION_ORDER
    # open at some time in Oct-Dec 2021, by date added: L2/L7 opened and closed inside; L4, L5, L8c not yet added
    assert [r["StEIS number / local identifier"] for r in rows] == LONDON_Q3
    found = by_identifier(rows)
    assert found["RPT-L6"]["Type of review"] == "Converted" and found["RPT-L6"]["Status"] == "Closed"
    assert found["RPT-L6c"]["Type of review"] == "CSPR" and found["RPT-L6c"]["Status"] == "Open"
    assert found["RPT-L7"]["Type of review"] == "Rapid Review" and found["RPT-L7"]["Status"] == "Closed"
    o1 = found["RPT-O1"]
    assert (o1["Status"], o1["Date added"], o1["CCG code"], o1["STP/ICS code"], o1["Region code"]) == (
        "Closed", "02/11/2020", "93C", "QMJ", "Y56")
    assert (o1["Date report signed off"], o1["Publication date"], o1["Public / embargoed"]) == (
        "30/11/2021", "15/12/2021", "Public")
    assert o1["Lessons learned / recommendations"] == "'=Review the policy"  # a formula is made inert
    l2 = found["RPT-L2"]
    assert (l2["Media interest"], l2["Public / embargoed"], l2["Abuse / vulnerability theme 1"],
            l2["Abuse / vulnerability theme 2"], l2["Abuse / vulnerability theme 3"]) == (
        "Yes", "Embargoed", "Domestic abuse (incl. so-called 'honour'-based violence)",
        "Mental health (person or parent/carer)", "")
    assert found["RPT-L3"]["Latest update"] == "Panel met; chronology requested."
    assert found["RPT-L10"]["Media interest"] == "No"
    assert not any(r["CCG code"] in ("52R", "02Q", "02P") for r in rows)


def test_xlsx_holds_the_same_rows_with_real_dates_and_an_about_sheet(client, reviews):
    sign_in(client, "lead_london")
    response = client.get(URL.format(fmt="xlsx", scope="Y56", geography="recorded"))
    assert response.status_code == 200
    sheets = xlsx_sheets(response.data)
    data = sheets["S-CRT extract"]
    assert data[0] == COLLECTION_ORDER
    assert [r[10] for r in data[1:]] == LONDON_Q3
    assert data[1][1] == date(2020, 11, 2) or data[1][1].date() == date(2020, 11, 2)
    about = {r[0]: r[1] for r in sheets["About"][1:]}
    assert about["Geography"].startswith("As recorded") and about["Period"].startswith("Q3 2021/22")


def test_bassetlaw_columns_follow_the_geography_mode(client, reviews):
    sign_in(client, "national")
    recorded = by_identifier(read_csv(client.get(URL.format(fmt="csv", scope="ENG", geography="recorded"))
                                      .get_data(as_text=True))[1])["RPT-B1"]
    assert [recorded[k] for k in ("CCG area", "CCG code", "STP/ICS area", "STP/ICS code", "Region name",
                                  "Region code")] == [
        "NHS Bassetlaw CCG", "02Q", "South Yorkshire and Bassetlaw", "QF7", "North East and Yorkshire", "Y63"]
    current = by_identifier(read_csv(client.get(URL.format(fmt="csv", scope="ENG", geography="current"))
                                     .get_data(as_text=True))[1])["RPT-B1"]
    assert [current[k] for k in ("CCG code", "STP/ICS code", "Region name", "Region code")] == [
        "02Q", "QT1", "Midlands", "Y60"]
    midlands_recorded = read_csv(client.get(URL.format(fmt="csv", scope="Y60", geography="recorded"))
                                 .get_data(as_text=True))[1]
    assert "RPT-B1" not in by_identifier(midlands_recorded)
    midlands_current = read_csv(client.get(URL.format(fmt="csv", scope="Y60", geography="current"))
                                .get_data(as_text=True))[1]
    assert set(by_identifier(midlands_current)) == {"RPT-B1", "RPT-M1", "RPT-M2", "RPT-M2c"}


def test_downloads_are_audited(client, session, reviews):
    sign_in(client, "lead_london")
    client.get(URL.format(fmt="csv", scope="Y56", geography="recorded"))
    client.get(URL.format(fmt="xlsx", scope="QKK", geography="current"))
    session.expire_all()
    events = session.scalars(select(AuditEvent).where(AuditEvent.action == "report.extract")
                             .order_by(AuditEvent.id)).all()
    assert [(e.actor_email, e.entity_id) for e in events] == [("lead.london@example.com", "scrt-extract")] * 2
    assert events[0].detail == "scrt-extract as csv; period 2021-Q3; scope Y56; geography recorded; 10 rows"
    assert events[1].detail == "scrt-extract as xlsx; period 2021-Q3; scope QKK; geography current; 2 rows"


def test_out_of_scope_extract_is_refused_and_not_audited(client, session, reviews):
    sign_in(client, "lead_london")
    response = client.get(URL.format(fmt="csv", scope="Y60", geography="recorded"))
    assert response.status_code == 403
    assert "RPT-" not in response.get_data(as_text=True)
    assert "outside your scope" in response.get_data(as_text=True)
    session.expire_all()
    assert session.scalar(select(AuditEvent.id).where(AuditEvent.action == "report.extract")) is None


@pytest.fixture
def custom_mapping(app_config):
    mapping = copy.deepcopy(SCRT_EXTRACT)
    mapping["columns"] = [("review_type", "TYPE"), ("identifier", "ID"), ("theme_1", "THEME1"),
                          ("media_interest", "MEDIA"), ("date_added", "ADDED")]
    mapping["converted_type"] = "CONV"
    mapping["yes_no"] = {True: "Y", False: "N"}
    mapping["theme_value"] = "code"
    mapping["csv_preamble"] = False
    mapping["csv_date_format"] = "%Y-%m-%d"
    app_config["SCRT_EXTRACT"] = mapping
    return mapping


def test_labels_and_value_codes_come_from_the_configuration(custom_mapping, client, reviews):
    sign_in(client, "lead_london")
    text = client.get(URL.format(fmt="csv", scope="Y56", geography="recorded")).get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(text)))  # no preamble: a bare table
    assert list(rows[0]) == ["TYPE", "ID", "THEME1", "MEDIA", "ADDED"]
    found = {r["ID"]: r for r in rows}
    assert found["RPT-L6"] == {"TYPE": "CONV", "ID": "RPT-L6", "THEME1": "WT_PHYSICAL", "MEDIA": "Y",
                               "ADDED": "2021-10-04"}
    assert found["RPT-L1"]["MEDIA"] == "N"


def test_an_unknown_column_in_the_mapping_is_refused():
    with pytest.raises(ExtractConfigError, match="unknown"):
        check_mapping({"columns": [("status", "Status"), ("nhs_number", "NHS number")]})
    with pytest.raises(ExtractConfigError, match="repeated"):
        check_mapping({"columns": [("status", "Status"), ("status", "Status again")]})


def test_the_csv_is_written_in_chunks(session, reviews):
    """Rows are fetched in batches and written in chunks: memory does not grow with the number of reviews."""

    actor = system_actor(scope_for_code(session, "ENG"))
    request = prepare_request(session, actor=actor, period="FY2021", scope_code="ENG", geography="recorded",
                              today=TODAY)
    rows = extract_rows(session, request, SCRT_EXTRACT)
    assert iter(rows) is rows  # a generator, not a list
    many = ([f"row {n}"] + [""] * 26 for n in range(1201))
    chunks = list(csv_chunks(many, SCRT_EXTRACT, []))
    assert len(chunks) == 3 and sum(c.count("\n") for c in chunks) == 1201 + 4
