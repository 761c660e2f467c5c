"""Exports: current filters and scope, formulas neutralised in CSV and XLSX, a row cap, the audit trail, flat memory."""

import csv
import gc
import io
import tracemalloc
from datetime import UTC, date, datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import insert, select, update

from app.audit.models import AuditEvent
from app.extensions import db
from app.reviews.export import EXPORT_HEADERS, csv_chunks, export_rows, neutralise, xlsx_file
from app.reviews.models import Review, ReviewTheme
from tests.support.reviews import make_review
from tests.support.web import sign_in

DANGEROUS = {"overview": "=HYPERLINK(\"http://evil.example\",\"click\")", "learning_1": "+1+1",
             "learning_2": "-2+3", "learning_3": "@SUM(A1)", "recommendations": "=cmd|' /C calc'!A0",
             "type_other_description": None}


def csv_rows(response):
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")  # Excel reads the file as UTF-8
    return list(csv.DictReader(io.StringIO(text[1:])))


def test_csv_and_xlsx_neutralise_every_formula_prefix(client, session):
    make_review(session, local_identifier="EXP-F1", **{k: v for k, v in DANGEROUS.items() if v})
    second = make_review(session, local_identifier="EXP-F2")
    # Leading tabs and CRs cannot be typed through the services (text is trimmed); older rows may hold them.
    session.execute(update(Review).where(Review.id == second.id).values(overview="\rCR first", learning_1="\tTab"))
    session.commit()
    sign_in(client, "dp_ncl")
    rows = {r["Local identifier"]: r for r in csv_rows(client.get("/admin/review/export/csv/"))}
    one = rows["EXP-F1"]
    assert [one["Brief overview"], one["Organisational learning 1"], one["Organisational learning 2"],
            one["Organisational learning 3"], one["Lessons learned / recommendations"]] == [
        "'" + DANGEROUS[k] for k in ("overview", "learning_1", "learning_2", "learning_3", "recommendations")]
    assert (rows["EXP-F2"]["Brief overview"], rows["EXP-F2"]["Organisational learning 1"]) == ("'\rCR first",
                                                                                            "'\tTab")
    assert one["Date added"] == "2025-06-02"

    book = load_workbook(io.BytesIO(client.get("/admin/review/export/xlsx/").data), data_only=False)
    sheet = book["Reviews"]
    assert [c.value for c in sheet[1]] == EXPORT_HEADERS and sheet.freeze_panes == "A2"
    cells = [c for row in sheet.iter_rows(min_row=2) for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    texts = {c.value for c in cells if isinstance(c.value, str)}
    assert {"'" + DANGEROUS["overview"], "'+1+1", "'-2+3", "'@SUM(A1)", "'" + DANGEROUS["recommendations"],
            "'\tTab"} <= texts
    assert {"'\rCR first", "'\nCR first"} & texts  # XML reads a stored CR back as a line feed
    date_column = EXPORT_HEADERS.index("Date added") + 1
    added = sheet.cell(row=2, column=date_column)
    assert added.is_date and added.value.date() == date(2025, 6, 2) and added.number_format == "dd/mm/yyyy"


def test_exports_follow_the_filters_and_the_scope_and_are_audited(client, session):
    make_review(session, local_identifier="EXP-NCL-SAR")
    make_review(session, local_identifier="EXP-NCL-DHR", review_type="DHR")
    make_review(session, local_identifier="EXP-NOTTS", organisation_code="52R")
    sign_in(client, "dp_ncl")
    every = {r["Local identifier"] for r in csv_rows(client.get("/admin/review/export/csv/"))}
    assert every == {"EXP-NCL-SAR", "EXP-NCL-DHR"}
    filtered = csv_rows(client.get("/admin/review/export/csv/?flt1_type_of_review_equals=DHR"))
    assert [r["Local identifier"] for r in filtered] == ["EXP-NCL-DHR"]
    searched = client.get("/admin/review/export/xlsx/?search=EXP-NCL-S")
    values = [c.value for row in load_workbook(io.BytesIO(searched.data))["Reviews"].iter_rows() for c in row]
    assert "EXP-NCL-SAR" in values and "EXP-NCL-DHR" not in values and "EXP-NOTTS" not in values
    events = session.scalars(select(AuditEvent).where(AuditEvent.action == "review.export")
                             .order_by(AuditEvent.id)).all()
    assert [e.actor_email for e in events] == ["dp.ncl@example.com"] * 3
    assert events[0].detail.startswith("exported 2 reviews as csv; scope QMJ")
    assert "filters ['Type of review=DHR']" in events[1].detail
    assert events[2].detail.startswith("exported 1 reviews as xlsx") and "search 'EXP-NCL-S'" in events[2].detail


@pytest.fixture
def cap_of_two(app_config):
    app_config["EXPORT_MAX_ROWS"] = 2


def test_over_the_row_cap_nothing_is_exported_and_the_user_is_told(cap_of_two, client, session):
    for n in range(3):
        make_review(session, local_identifier=f"EXP-CAP-{n}")
    sign_in(client, "dp_ncl")
    for export_type in ("csv", "xlsx"):
        response = client.get(f"/admin/review/export/{export_type}/", headers={"Referer": "/admin/review/"})
        assert response.status_code == 302 and response.headers["Location"].endswith("/admin/review/")
    page = client.get("/admin/review/").get_data(as_text=True)
    assert "More than 2 reviews match: narrow the filters and export again." in page
    assert session.scalar(select(AuditEvent).where(AuditEvent.action == "review.export")) is None
    assert len(csv_rows(client.get("/admin/review/export/csv/?search=EXP-CAP-1"))) == 1


def test_neutralise_leaves_other_values_alone():
    assert [neutralise(v) for v in ("plain", "", "a=b", 5, None, -3)] == ["plain", "", "a=b", 5, None, -3]


# ----------------------------------------------------------------- flat memory
def bulk_reviews(session, count: int, *, start: int = 0) -> None:
    """Insert reviews quickly (straight SQL: test data for measuring exports, not a path users take)."""
    stamp = datetime(2026, 1, 1, tzinfo=UTC)
    base = {"version": 1, "status": "open", "review_type": "SAR_MANDATORY", "date_added": date(2025, 6, 2),
            "organisation_code": "93C", "recorded_organisation_name": "NHS North Central London ICB - 93C",
            "recorded_icb_code": "QMJ", "recorded_icb_name": "NHS North Central London Integrated Care Board",
            "recorded_region_code": "Y56", "recorded_region_name": "London", "recorded_vintage": date(2023, 4, 1),
            "dp_initials": "AB", "media_interest": False, "created_at": stamp, "updated_at": stamp,
            "overview": "Agencies did not share information about escalating risk; " * 4}
    for offset in range(start, start + count, 2000):
        batch = range(offset, min(offset + 2000, start + count))
        session.execute(insert(Review), [{**base, "local_identifier": f"BULK-{n:07d}"} for n in batch])
        ids = session.scalars(select(Review.id).where(Review.local_identifier.in_([f"BULK-{n:07d}" for n in batch])))
        session.execute(insert(ReviewTheme), [{"review_id": i, "position": 1, "theme_code": "CA_NEGLECT"} for i in ids])
    session.commit()


def peak_export_memory(session, export_type: str) -> tuple[int, int]:
    """(rows, peak bytes allocated) while exporting every review."""
    session.expire_all()
    gc.collect()
    tracemalloc.start()
    rows = 0
    query = db.session.query(Review).order_by(Review.id)
    if export_type == "csv":
        for chunk in csv_chunks(export_rows(query)):
            rows += chunk.count("BULK-")
    else:
        with xlsx_file(export_rows(query)) as handle:
            rows = len(handle.read())
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return rows, peak


def test_export_memory_stays_flat(session):
    """5 times (CSV) or 2.5 times (XLSX) the rows, the same peak; bench/export_memory.py measures 2k, 10k and 50k.

    Small XLSX exports peak lower while openpyxl's and zlib's buffers fill; from about 2,000 rows the peak is flat.
    """
    bulk_reviews(session, 600)
    csv_small = peak_export_memory(session, "csv")
    bulk_reviews(session, 1400, start=600)
    xlsx_small = peak_export_memory(session, "xlsx")
    bulk_reviews(session, 1000, start=2000)
    csv_large = peak_export_memory(session, "csv")
    bulk_reviews(session, 2000, start=3000)
    xlsx_large = peak_export_memory(session, "xlsx")
    assert (csv_small[0], csv_large[0]) == (600, 3000)
    assert csv_large[1] < 1.25 * csv_small[1] + 500_000, (csv_small, csv_large)
    assert xlsx_large[1] < 1.25 * xlsx_small[1] + 500_000, (xlsx_small, xlsx_large)
