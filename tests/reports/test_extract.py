"""The national S-CRT extract as an analyst opens it: header on line 1, what the file holds beside it (file name,
ZIP's about.csv, XLSX's About sheet), a record id, the rapid review columns, the collection's own values, one name
per code, unique theme labels, the latest update with its date; and the conversion rate from the file alone."""

from __future__ import annotations

import copy
import csv
import io
import zipfile
from datetime import date

import pandas as pd
import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.orgs.scope import scope_for_code
from app.people.actor import system_actor
from app.reports.extract import ExtractConfigError, check_mapping, extract_rows
from app.reports.extract_files import csv_chunks
from app.reports.request import prepare_request
from config.clocks import CLOCKS
from config.scrt import SCRT_EXTRACT
from tests.reports.support import TODAY, measures, run, xlsx_sheets
from tests.support.reviews import make_review
from tests.support.web import sign_in

COLUMNS = [
    "Record ID", "Status", "Date added", "CCG area", "CCG code", "STP/ICS area", "STP/ICS code", "Region name",
    "Region code", "Designated professional's initials", "Safeguarding partnership / board / CSP",
    "StEIS number / local identifier", "Type of review", "Incident date", "Notification date", "Decision date",
    "Rapid review outcome", "Became record ID", "Brief overview", "Abuse / vulnerability theme 1",
    "Abuse / vulnerability theme 2", "Abuse / vulnerability theme 3", "Media interest", "Latest update",
    "Latest update date", "Date report signed off", "Publication date", "Public / embargoed", "Web link to report",
    "Organisational learning 1", "Organisational learning 2", "Organisational learning 3",
    "Lessons learned / recommendations", "Overdue clocks", "Comments",
]
# The collection's fields in its own order (docs/PRODUCT.md "The record"): whatever the tracker adds, these keep it.
SEED_ORDER = ("status", "date_added", "ccg_area", "ccg_code", "dp_initials", "partnership", "identifier",
              "review_type", "incident_date", "notification_date", "decision_date", "overview", "theme_1", "theme_2",
              "theme_3", "media_interest", "latest_update", "signed_off_date", "publication_date",
              "publication_status", "report_url", "learning_1", "learning_2", "learning_3", "recommendations")
COLLECTION_VALUES = {"SAR", "DHR", "DHR child", "CSPR", "Rapid Review", "Converted", "Other"}
LONDON_Q3 = ["RPT-O1", "RPT-L10", "RPT-L1", "RPT-L2", "RPT-L6", "RPT-L6c", "RPT-L7", "RPT-L3", "RPT-L9", "RPT-L8"]
URL = "/admin/reports/extract.{fmt}?period={period}&scope={scope}&geography={geography}"


def url(fmt: str, scope: str = "Y56", geography: str = "recorded", period: str = "2021-Q3") -> str:
    return URL.format(fmt=fmt, scope=scope, geography=geography, period=period)


def read_csv(text: str) -> list[dict]:
    """The extract's rows as dicts: the header is line 1."""
    return list(csv.DictReader(io.StringIO(text)))


def by_identifier(rows: list[dict]) -> dict[str, dict]:
    return {r["StEIS number / local identifier"]: r for r in rows}


def test_the_columns_keep_the_collections_order():
    assert [label for _, label in SCRT_EXTRACT["columns"]] == COLUMNS
    assert check_mapping(SCRT_EXTRACT)[0] == "record_id"
    keys = [key for key, _ in SCRT_EXTRACT["columns"]]
    assert [k for k in keys if k in SEED_ORDER] == list(SEED_ORDER)
    assert keys.index("publication_date") + 1 == keys.index("publication_status")  # public/embargoed after its date


def test_london_q3_as_csv(client, reviews):
    sign_in(client, "lead_london")
    response = client.get(url("csv"), buffered=False)  # as streamed
    assert response.status_code == 200 and response.is_streamed
    assert "scrt-extract-2021-Q3-Y56-recorded-as-at-2021-12-31.csv" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert text.splitlines()[0].split(",")[:3] == ["Record ID", "Status", "Date added"]  # the header on line 1
    rows = read_csv(text)
    assert list(rows[0]) == COLUMNS
    # open at some time in Oct-Dec 2021, by date added: L2/L7 opened and closed inside; L4, L5, L8c not yet added
    assert [r["StEIS number / local identifier"] for r in rows] == LONDON_Q3
    assert {r["Type of review"] for r in rows} <= COLLECTION_VALUES
    found = by_identifier(rows)
    assert [found[k]["Record ID"] for k in ("RPT-L6", "RPT-L6c")] == [str(reviews["L6"].id), str(reviews["L6c"].id)]
    l6 = found["RPT-L6"]
    assert (l6["Status"], l6["Type of review"], l6["Notification date"], l6["Decision date"],
            l6["Rapid review outcome"], l6["Became record ID"]) == (
        "Closed", "Converted", "01/10/2021", "22/10/2021", "CSPR", str(reviews["L6c"].id))
    l7 = found["RPT-L7"]
    assert (l7["Status"], l7["Type of review"], l7["Decision date"], l7["Rapid review outcome"],
            l7["Became record ID"]) == ("Closed", "Rapid Review", "12/11/2021", "No further review", "")
    l8 = found["RPT-L8"]  # decided on 14 January 2022: as at 31 December 2021 it awaits its decision
    assert (l8["Status"], l8["Type of review"], l8["Decision date"], l8["Rapid review outcome"]) == (
        "Open", "Rapid Review", "", "")
    assert found["RPT-L6c"]["Type of review"] == "CSPR" and found["RPT-L6c"]["Status"] == "Open"
    o1 = found["RPT-O1"]
    assert (o1["Status"], o1["Date added"], o1["CCG code"], o1["STP/ICS code"], o1["Region code"]) == (
        "Closed", "02/11/2020", "93C", "QMJ", "Y56")
    assert (o1["Date report signed off"], o1["Publication date"], o1["Public / embargoed"]) == (
        "30/11/2021", "15/12/2021", "Public")
    assert (o1["Type of review"], o1["Comments"]) == ("SAR", "SAR (mandatory, Care Act s44(1)-(3))")
    assert o1["Lessons learned / recommendations"] == "'=Review the policy"  # a formula is made inert
    l2 = found["RPT-L2"]
    assert (l2["Media interest"], l2["Public / embargoed"], l2["Abuse / vulnerability theme 1"],
            l2["Abuse / vulnerability theme 2"], l2["Abuse / vulnerability theme 3"]) == (
        "Yes", "Embargoed", "Domestic abuse (incl. so-called 'honour'-based violence)",
        "Mental health (person or parent/carer)", "")
    assert (found["RPT-L3"]["Latest update"], found["RPT-L3"]["Latest update date"]) == (
        "Panel met; chronology requested.", "20/12/2021")
    assert found["RPT-L10"]["Media interest"] == "No" and found["RPT-L10"]["Latest update date"] == ""
    # Two themes share the label "Physical abuse": the extract tells them apart.
    assert found["RPT-L6"]["Abuse / vulnerability theme 1"] == "Physical abuse (child)"
    assert not any(r["CCG code"] in ("52R", "02Q", "02P") for r in rows)


def test_sar_sub_type_and_other_description_go_in_the_comments(client, session, reviews):
    make_review(session, local_identifier="RPT-OTHER", review_type="OTHER", type_other_description="Learning review",
                organisation_code="93C", date_added=date(2021, 10, 11), incident_date=date(2021, 9, 1))
    sign_in(client, "lead_london")
    fy = by_identifier(read_csv(client.get(url("csv", period="FY2021")).get_data(as_text=True)))
    assert (fy["RPT-L4"]["Type of review"], fy["RPT-L4"]["Comments"]) == (
        "SAR", "SAR (discretionary, Care Act s44(4))")
    assert (fy["RPT-OTHER"]["Type of review"], fy["RPT-OTHER"]["Comments"]) == (
        "Other", "Other review type: Learning review")
    assert fy["RPT-L3"]["Comments"] == ""


def test_one_name_per_code_the_name_at_the_end_of_the_period(client, reviews):
    """B1 was recorded in 2021 under the CCG's name, B2 in 2022 under the sub-ICB location's: FY2022's extract
    names 02Q once, as the hierarchy in force on 31 March 2023 names it."""
    sign_in(client, "national")
    rows = read_csv(client.get(url("csv", scope="ENG", period="FY2022")).get_data(as_text=True))
    names: dict[tuple[str, str], set[str]] = {}
    for row in rows:
        for code, name in (("CCG code", "CCG area"), ("STP/ICS code", "STP/ICS area"), ("Region code", "Region name")):
            names.setdefault((code, row[code]), set()).add(row[name])
    assert all(len(found) == 1 for found in names.values()), names
    bassetlaw = by_identifier(rows)
    assert bassetlaw["RPT-B1"]["CCG area"] == bassetlaw["RPT-B2"]["CCG area"] != "NHS Bassetlaw CCG"
    assert (bassetlaw["RPT-B1"]["STP/ICS code"], bassetlaw["RPT-B2"]["STP/ICS code"]) == ("QF7", "QT1")


def test_zip_holds_the_csv_and_what_it_holds(client, reviews):
    sign_in(client, "lead_london")
    response = client.get(url("zip"))
    assert response.status_code == 200 and response.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        assert archive.namelist() == ["scrt-extract-2021-Q3-Y56-recorded-as-at-2021-12-31.csv", "about.csv"]
        data = pd.read_csv(archive.open(archive.namelist()[0]), dtype=str, keep_default_na=False)
        about = dict(pd.read_csv(archive.open("about.csv"), dtype=str).values.tolist())
    assert list(data.columns) == COLUMNS and list(data["StEIS number / local identifier"]) == LONDON_Q3
    assert about["Geography"].startswith("As recorded") and about["Scope"] == "region Y56 London"
    assert about["As at"].startswith("the tracker's records at the end of 31 December 2021")
    assert about["Includes"].startswith("Reviews open at any time during the period") and about["Rows"] == "10"


def test_xlsx_holds_the_same_rows_with_real_dates_and_an_about_sheet(client, reviews):
    sign_in(client, "lead_london")
    response = client.get(url("xlsx"))
    assert response.status_code == 200
    assert client.get(url("xlsx")).data == response.data  # the same request gives the same bytes
    frame = pd.read_excel(io.BytesIO(response.data), sheet_name="S-CRT extract")
    assert list(frame.columns) == COLUMNS  # pandas takes row 1 as the header
    assert list(frame["StEIS number / local identifier"]) == LONDON_Q3
    assert frame["Date added"].iloc[0].date() == date(2020, 11, 2)
    sheets = xlsx_sheets(response.data)
    about = {r[0]: r[1] for r in sheets["About"]}
    assert about["Geography"].startswith("As recorded") and about["Period"].startswith("Q3 2021/22")


@pytest.mark.parametrize(("period", "scope"), [("FY2021", "ENG"), ("2021-Q3", "Y56"), ("2021-Q4", "Y56"),
                                               ("FY2021", "Y60")])
def test_the_conversion_rate_from_the_file_alone_matches_the_report(client, session, reviews, period, scope):
    """An analyst with only the CSV: a decision counts in the period of its decision date (or of the date added,
    when recorded as made before it); converted ones have type Converted. Their share is the report's rate."""
    sign_in(client, "national")
    frame = pd.read_csv(io.BytesIO(client.get(url("csv", scope=scope, period=period)).data), dtype=str,
                        keep_default_na=False)
    report = run(session, period=period, scope=scope)
    start, end = report.request.period.start, report.request.period.end
    decided = frame[frame["Rapid review outcome"] != ""].copy()
    decision = pd.to_datetime(decided["Decision date"], format="%d/%m/%Y")
    added = pd.to_datetime(decided["Date added"], format="%d/%m/%Y")
    counted_on = decision.where(decision >= added, added).dt.date
    in_period = decided[(counted_on >= start) & (counted_on <= end)]
    converted = (in_period["Type of review"] == "Converted").sum()
    rapid = measures(report, "rapid")
    assert len(in_period) == rapid["Rapid reviews decided in the period"]
    assert converted == rapid["Converted (all)"]
    rate = round(100 * converted / len(in_period), 1) if len(in_period) else None
    assert rate == rapid["Conversion rate (% of decisions)"]


@pytest.mark.parametrize(("period", "scope"), [("2021-Q3", "Y56"), ("2022-Q1", "Y56"), ("FY2021", "ENG")])
def test_the_overdue_clocks_are_the_reports_as_at_the_periods_end(client, session, reviews, period, scope):
    """Each row names the clocks overdue at the end of the period, from the review as it stood then: counted from
    the file, they are the report's overdue table (but the embargo review clock, which also runs for reviews closed
    before the period, and so not in its extract)."""
    sign_in(client, "national")
    frame = pd.read_csv(io.BytesIO(client.get(url("csv", scope=scope, period=period)).data), dtype=str,
                        keep_default_na=False)
    overdue = measures(run(session, period=period, scope=scope), "overdue")
    labels = [label for label in overdue if not label.startswith("Any clock")]
    listed = frame["Overdue clocks"].str.split("; ")
    for label in labels:
        in_file = int(listed.apply(lambda clocks, label=label: label in clocks).sum())
        if label == "Embargo review":
            assert in_file <= overdue[label], (period, label)
        else:
            assert in_file == overdue[label], (period, label)
    assert (frame["Overdue clocks"] != "").sum() > 0
    if (period, scope) == ("2022-Q1", "Y56"):  # worked out by hand (tests/reports/test_metrics.py)
        rows = frame.set_index("StEIS number / local identifier")["Overdue clocks"]
        assert "Sign-off expected" in rows["RPT-L3"] and "Sign-off expected" in rows["RPT-L6c"]
        assert "Publication due" in rows["RPT-L10"]


def test_downloads_are_audited(client, session, reviews):
    sign_in(client, "lead_london")
    client.get(url("csv"))
    client.get(url("xlsx", scope="QKK", geography="current"))
    session.expire_all()
    events = session.scalars(select(AuditEvent).where(AuditEvent.action == "report.extract")
                             .order_by(AuditEvent.id)).all()
    assert [(e.actor_email, e.entity_id) for e in events] == [("lead.london@example.com", "scrt-extract")] * 2
    assert events[0].detail == ("scrt-extract as csv; period 2021-Q3; scope Y56; geography recorded; as at "
                                "2021-12-31; 10 rows")
    assert events[1].detail == ("scrt-extract as xlsx; period 2021-Q3; scope QKK; geography current; as at "
                                "2021-12-31; 2 rows")


def test_out_of_scope_extract_is_refused_and_not_audited(client, session, reviews):
    sign_in(client, "lead_london")
    response = client.get(url("csv", scope="Y60"))
    assert response.status_code == 403
    assert "RPT-" not in response.get_data(as_text=True)
    assert "outside your scope" in response.get_data(as_text=True)
    session.expire_all()
    assert session.scalar(select(AuditEvent.id).where(AuditEvent.action == "report.extract")) is None


def test_bassetlaw_columns_follow_the_geography_mode(client, reviews):
    sign_in(client, "national")
    recorded = by_identifier(read_csv(client.get(url("csv", scope="ENG")).get_data(as_text=True)))["RPT-B1"]
    assert [recorded[k] for k in ("CCG area", "CCG code", "STP/ICS area", "STP/ICS code", "Region name",
                                  "Region code")] == [
        "NHS Bassetlaw CCG", "02Q", "South Yorkshire and Bassetlaw", "QF7", "North East and Yorkshire", "Y63"]
    current = by_identifier(read_csv(client.get(url("csv", scope="ENG", geography="current"))
                                     .get_data(as_text=True)))["RPT-B1"]
    assert [current[k] for k in ("CCG code", "STP/ICS code", "Region name", "Region code")] == [
        "02Q", "QT1", "Midlands", "Y60"]
    assert "RPT-B1" not in by_identifier(read_csv(client.get(url("csv", scope="Y60")).get_data(as_text=True)))
    midlands_current = read_csv(client.get(url("csv", scope="Y60", geography="current")).get_data(as_text=True))
    assert set(by_identifier(midlands_current)) == {"RPT-B1", "RPT-M1", "RPT-M2", "RPT-M2c"}


@pytest.fixture
def custom_mapping(app_config):
    mapping = copy.deepcopy(SCRT_EXTRACT)
    mapping["columns"] = [("review_type", "TYPE"), ("identifier", "ID"), ("theme_1", "THEME1"),
                          ("media_interest", "MEDIA"), ("date_added", "ADDED")]
    mapping["converted_type"] = "CONV"
    mapping["yes_no"] = {True: "Y", False: "N"}
    mapping["theme_value"] = "code"
    mapping["csv_date_format"] = "%Y-%m-%d"
    app_config["SCRT_EXTRACT"] = mapping
    return mapping


def test_labels_and_value_codes_come_from_the_configuration(custom_mapping, client, reviews):
    sign_in(client, "lead_london")
    rows = read_csv(client.get(url("csv")).get_data(as_text=True))
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
    rows = extract_rows(session, request, SCRT_EXTRACT, clocks=CLOCKS)
    assert iter(rows) is rows  # a generator, not a list
    many = ([f"row {n}"] + [""] * (len(COLUMNS) - 1) for n in range(1201))
    chunks = list(csv_chunks(many, SCRT_EXTRACT))
    assert len(chunks) == 3 and sum(c.count("\n") for c in chunks) == 1201 + 1
