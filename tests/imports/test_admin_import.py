"""The import pages: upload (a dry run), report, commit of the stored file, templates; who may do what."""

import io
import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.imports.template import TEMPLATE_HEADERS
from app.imports.uploads import UploadMissing, UploadStore, display_name
from app.reviews.models import Review
from tests.imports.helpers import counts, csv_bytes
from tests.support.web import csrf_token, page_token, sign_in

HEAD = ["CCG", "Type of review", "Date added", "DP", "Local ref", "Theme 1"]
BAD = csv_bytes([HEAD, ["93C", "SAR", "03/11/2021", "AB", "WEB-1", "CA_NEGLECT"],
                 ["93C", "SAR", "31/11/2021", "CD", "WEB-2", "Bullying"]])
GOOD = csv_bytes([HEAD, ["93C", "SAR", "03/11/2021", "AB", "WEB-1", "CA_NEGLECT"],
                  ["93C", "SAR", "30/11/2021", "CD", "WEB-2", "CA_SELF_NEGLECT"]])


def upload(client, data: bytes, name: str = "tracker.csv", **extra):
    token = page_token(client, "/admin/import/")
    return client.post("/admin/import/upload/", data={"file": (io.BytesIO(data), name), "csrf_token": token, **extra},
                       content_type="multipart/form-data")


def report_url(response) -> str:
    assert response.status_code == 302, response.status_code
    location = response.headers["Location"]
    assert re.search(r"/admin/import/report/[A-Za-z0-9_-]+/$", location), location
    return location


def commit(client, url: str):
    token = csrf_token(client.get(url).get_data(as_text=True))
    return client.post(url.replace("/report/", "/commit/"), data={"csrf_token": token})


def test_upload_report_commit_and_the_same_file_again(client, session):
    sign_in(client, "dp_ncl")
    before = counts(session)
    url = report_url(upload(client, BAD))
    page = client.get(url).get_data(as_text=True)
    assert "Date added" in page and "Not a real calendar date" in page and "Not on the managed theme list" in page
    assert "Bullying" not in page and "31/11/2021" not in page
    assert 'id="refused-rows"' in page and "row not imported" in page
    assert '<div class="h3 mb-0" id="count-create">1</div>' in page and 'id="commit-button"' in page
    problems_csv = client.get(url + "problems.csv").get_data(as_text=True)
    assert problems_csv.splitlines()[:2] == ["\ufeffRow,Column,Value kind,Effect,Problem",
                                             '3,Date added,number or date text,row not imported,"Not a real calendar '
                                             'date (dates are read day first, dd/mm/yyyy): expected a date such as '
                                             '03/11/2021, 3 Nov 2021 or 2021-11-03 (day first)."']
    assert '3,,,not imported: what to do,"Correct Date added, Theme 1 as the problems say, then import the file ' \
           'again' in problems_csv
    done = commit(client, url)  # the good row goes in, the bad one is named with what to do
    assert done.status_code == 302 and counts(session)[0] == before[0] + 1
    page = client.get(url).get_data(as_text=True)
    assert "Imported: 1 created, 0 updated, 0 unchanged" in page and "1 row was not imported" in page
    assert session.scalar(select(Review).where(Review.local_identifier == "WEB-2")) is None

    url = report_url(upload(client, GOOD))  # the corrected file: the first row is already in
    page = client.get(url).get_data(as_text=True)
    assert 'id="commit-button"' in page and '<div class="h3 mb-0" id="count-create">1</div>' in page
    assert '<div class="h3 mb-0" id="count-unchanged">1</div>' in page
    done = commit(client, url)
    assert done.status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "Imported: 1 created, 0 updated, 1 unchanged" in page and 'id="commit-button"' not in page
    assert counts(session)[0] == before[0] + 2
    review = session.scalar(select(Review).where(Review.local_identifier == "WEB-2"))
    assert (review.organisation_code, review.created_by_id is not None) == ("93C", True)
    assert commit(client, url).status_code == 302 and counts(session)[0] == before[0] + 2  # a second click
    assert "This file was already imported." in client.get(url).get_data(as_text=True)

    url = report_url(upload(client, GOOD, "tracker-again.csv"))
    page = client.get(url).get_data(as_text=True)
    assert '<div class="h3 mb-0" id="count-unchanged">2</div>' in page and 'id="commit-button"' not in page
    assert "no row of this file would change the tracker" in page
    commit(client, url)
    assert "There is nothing to import from this file" in client.get(url).get_data(as_text=True)
    assert counts(session)[0] == before[0] + 2
    listing = client.get("/admin/import/").get_data(as_text=True)
    assert "tracker-again.csv" in listing and "imported" in listing


def test_a_header_only_file_offers_no_commit_and_says_there_is_nothing_to_import(client, session):
    """Issue 14 item 7: a file with headers and no rows offered a commit that did nothing."""
    sign_in(client, "dp_ncl")
    before = counts(session)
    url = report_url(upload(client, csv_bytes([HEAD]), "headers-only.csv"))
    page = client.get(url).get_data(as_text=True)
    assert 'id="nothing-to-import"' in page and "There is nothing to import" in page
    assert 'id="commit-button"' not in page and 'id="commit-form"' not in page
    assert counts(session) == before


def test_uploads_belong_to_their_user(app, client, session):
    sign_in(client, "dp_ncl")
    url = report_url(upload(client, GOOD))
    for who in ("dp_notts", "national"):
        other = app.test_client()
        sign_in(other, who)
        assert other.get(url).status_code == 404
        assert other.get(url + "problems.csv").status_code == 404
        token = page_token(other, "/admin/import/")
        assert other.post(url.replace("/report/", "/commit/"), data={"csrf_token": token}).status_code == 404
    assert counts(session) == counts(session)
    assert session.scalar(select(Review).where(Review.local_identifier == "WEB-1")) is None


def test_the_commit_reads_the_stored_file_and_refuses_a_changed_one(app, client, session):
    sign_in(client, "dp_ncl")
    url = report_url(upload(client, GOOD))
    upload_id = url.rstrip("/").rsplit("/", 1)[1]
    stored = next(Path(app.instance_path, "imports").glob(f"*/{upload_id}/upload.bin"))
    stored.write_bytes(BAD)
    commit(client, url)
    assert "the uploaded file has changed since its dry run" in client.get(url).get_data(as_text=True)
    assert session.scalar(select(Review).where(Review.local_identifier == "WEB-1")) is None


def test_every_post_needs_the_csrf_token(client, session, app):
    sign_in(client, "dp_ncl")
    before = counts(session)
    response = client.post("/admin/import/upload/", data={"file": (io.BytesIO(GOOD), "t.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 400 and not Path(app.instance_path, "imports").exists()
    url = report_url(upload(client, GOOD))
    assert client.post(url.replace("/report/", "/commit/"), data={}).status_code == 400
    assert counts(session) == before


def test_refused_files_and_missing_files(client, session):
    sign_in(client, "dp_ncl")
    page = client.get(report_url(upload(client, b"%PDF-1.4 not a sheet", "minutes.pdf"))).get_data(as_text=True)
    assert "The file was refused." in page and "a PDF document, not a spreadsheet" in page
    token = page_token(client, "/admin/import/")
    response = client.post("/admin/import/upload/", data={"csrf_token": token}, content_type="multipart/form-data",
                           follow_redirects=True)
    assert "Choose a file to upload." in response.get_data(as_text=True)
    bad_mapping = upload(client, GOOD, mapping=(io.BytesIO(b"CCG,colour\n"), "mapping.csv"))
    assert bad_mapping.headers["Location"].endswith("/admin/import/")
    assert "The mapping file was refused" in client.get("/admin/import/").get_data(as_text=True)


@pytest.fixture
def small_uploads(app_config):
    app_config["MAX_CONTENT_LENGTH"] = 50_000
    app_config["IMPORT_MAX_BYTES"] = 20_000


def test_size_limits_are_explained(small_uploads, client):
    sign_in(client, "dp_ncl")
    too_big = upload(client, b"CCG,Local ref\n" + b"93C,X\n" * 10000)
    assert too_big.status_code == 302 and too_big.headers["Location"].endswith("/admin/import/")
    assert "The upload is larger than 0.0476837 MB" in client.get("/admin/import/").get_data(as_text=True)
    page = client.get(report_url(upload(client, b"CCG,Local ref\n" + b"93C,X\n" * 4000))).get_data(as_text=True)
    assert "larger than the 0.0190735 MB limit" in page


def test_templates(client):
    sign_in(client, "dp_ncl")
    text = client.get("/admin/import/template.csv").get_data(as_text=True)
    assert text.lstrip("\ufeff").splitlines()[0].split(",")[:3] == TEMPLATE_HEADERS[:3]
    book = load_workbook(io.BytesIO(client.get("/admin/import/template.xlsx").data))
    assert book.sheetnames == ["Reviews", "Guidance", "Legacy example", "Themes"]
    assert [c.value for c in book["Reviews"][1]] == TEMPLATE_HEADERS
    assert book["Reviews"]["K2"].value == "EXAMPLE-NSAB-SAR-21-03"
    assert book["Legacy example"]["H3"].value == "2021/10234 / EXAMPLE-NCSCP-CSPR-21-01"


@pytest.mark.parametrize("who", ["lead_london", "viewer_midlands", "viewer_national"])
def test_readers_cannot_reach_the_import_pages(client, session, who):
    sign_in(client, who)
    for url in ("/admin/import/", "/admin/import/template.csv", "/admin/import/template.xlsx",
                "/admin/import/report/abcdefghijklmnopqrstuvwxyz/"):
        assert client.get(url).status_code == 403, url
    token = csrf_token(client.get("/admin/").get_data(as_text=True))
    before = counts(session)
    response = client.post("/admin/import/upload/", data={"file": (io.BytesIO(GOOD), "t.csv"), "csrf_token": token},
                           content_type="multipart/form-data")
    assert response.status_code == 403 and counts(session) == before


def test_the_upload_store_expires_and_names_safely(tmp_path):
    store = UploadStore(tmp_path, ttl=timedelta(minutes=30))
    now = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
    kept = store.save(user_id=7, data=b"x", filename="../../etc/passwd", sheet=" ", mapping=None, now=now)
    assert (kept.filename, kept.sheet) == ("passwd", None)
    assert store.load(kept.upload_id, user_id=7, now=now + timedelta(minutes=29)).sha256 == kept.sha256
    for user_id, upload_id in ((8, kept.upload_id), (7, "../7"), (7, "short")):
        with pytest.raises(UploadMissing):
            store.load(upload_id, user_id=user_id, now=now)
    with pytest.raises(UploadMissing, match="expired"):
        store.load(kept.upload_id, user_id=7, now=now + timedelta(minutes=31))
    assert not any(tmp_path.glob("7/*"))
    second = store.save(user_id=7, data=b"y", filename="a.csv", sheet=None, mapping=b"m", now=now)
    assert store.purge_expired(now + timedelta(hours=1)) == 1 and not any(tmp_path.glob("7/*"))
    meta = json.dumps({"upload_id": second.upload_id})
    assert second.upload_id in meta
    assert display_name("C:\\Users\\me\\Tracker\x07.xlsx") == "Tracker.xlsx"
