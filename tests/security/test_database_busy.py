"""While another writer holds the database (a large import's write lock), saves and sign-in wait for it
(DATABASE_LOCK_WAIT_SECONDS) and, if it outlasts the wait, answer a "busy, try again" page (503), never a 500."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from app.extensions import db
from app.imports.writer import take_write_lock
from app.orgs.models import Partnership
from app.reviews.models import Review
from tests.conftest import BACKEND
from tests.support.accounts import ACCOUNTS, PASSWORD
from tests.support.reviews import make_review
from tests.support.web import csrf_token, next_totp_code, page_token, sign_in


@pytest.fixture
def short_wait(app_config):
    """Wait one second for a lock (production: 30) so the test does not take long."""
    app_config["DATABASE_LOCK_WAIT_SECONDS"] = 1


class ImportLock:
    """The bulk import's write lock (app/imports/writer.take_write_lock), held on a connection of its own."""

    def __init__(self, app):
        self.session = Session(db.engine)

    def take(self) -> ImportLock:
        take_write_lock(self.session)
        return self

    def take_table(self, table: str) -> ImportLock:
        """Another writer holding `table` (SQLite: the whole file; PostgreSQL: that table, reads go on)."""
        if BACKEND == "postgres":
            self.session.execute(text(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE"))
            return self
        return self.take()

    def release(self) -> None:
        self.session.rollback()
        self.session.close()


def _edit(client, review: Review, overview: str):
    data = {"csrf_token": page_token(client, f"/admin/review/edit/?id={review.id}"),
            "review_type": review.review_type, "organisation_code": review.organisation_code,
            "date_added": review.date_added.isoformat(), "incident_date": review.incident_date.isoformat(),
            "dp_initials": review.dp_initials, "local_identifier": review.local_identifier, "overview": overview,
            "theme_1": review.theme_codes[0], "version": str(review.version)}
    return client.post(f"/admin/review/edit/?id={review.id}", data=data)


def test_a_save_during_an_import_waits_for_it(short_wait, app, client, session):
    review = make_review(session)
    sign_in(client, "dp_ncl")
    client.get(f"/admin/review/edit/?id={review.id}")
    lock = ImportLock(app).take()
    threading.Timer(0.4, lock.release).start()  # the import finishes within the wait
    started = time.monotonic()
    response = _edit(client, review, "Saved once the import had finished.")
    assert response.status_code == 302, response.status_code
    assert time.monotonic() - started >= 0.3, "the save did not wait for the import"
    session.expire_all()
    assert session.get(Review, review.id).overview == "Saved once the import had finished."


def test_a_save_that_outwaits_the_import_gets_the_busy_page(short_wait, app, client, session):
    review = make_review(session)
    sign_in(client, "dp_ncl")
    token = page_token(client, f"/admin/review/edit/?id={review.id}")
    assert token
    lock = ImportLock(app).take()
    started = time.monotonic()
    try:
        response = _edit(client, review, "Not saved: the database was busy.")
    finally:
        waited = time.monotonic() - started
        lock.release()
    html = response.get_data(as_text=True)
    assert response.status_code == 503 and "busy" in html.lower() and "try again" in html.lower()
    assert 1 <= waited < 4, f"waited {waited:.1f} s: not the configured wait (1 s; the driver's own is 5 s)"
    assert response.headers.get("Retry-After")
    session.expire_all()
    assert session.get(Review, review.id).overview != "Not saved: the database was busy."
    assert _edit(client, session.get(Review, review.id), "Saved on the second try.").status_code == 302


def test_the_second_factor_during_an_import_never_answers_500(short_wait, app, client, session):
    email = ACCOUNTS["lead_london"][0]
    page = client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": page_token(
        client, "/login")}, follow_redirects=True)
    lock = ImportLock(app).take()
    try:
        response = client.post("/tf-validate", data={"code": next_totp_code(app, email),
                                                     "csrf_token": csrf_token(page.get_data(as_text=True))})
    finally:
        lock.release()
    if BACKEND == "sqlite":  # one write lock for the whole file: the code waits, then the busy page
        assert response.status_code == 503, response.status_code
        assert client.get("/admin/").status_code != 200
        retry = client.post("/tf-validate", data={"code": next_totp_code(app, email),
                                                  "csrf_token": csrf_token(page.get_data(as_text=True))})
        assert retry.status_code == 302 and client.get("/admin/").status_code == 200
    else:  # PostgreSQL: the import locks the review tables only; sign-in goes on
        assert response.status_code == 302 and client.get("/admin/").status_code == 200


def test_reading_pages_goes_on_during_an_import(short_wait, app, client, session):
    review = make_review(session)
    sign_in(client, "dp_ncl")
    lock = ImportLock(app).take()
    try:
        assert client.get(f"/admin/review/details/?id={review.id}").status_code == 200
        assert client.get("/admin/review/").status_code == 200
    finally:
        lock.release()


def test_a_reference_screen_save_during_a_long_import_says_busy_and_keeps_the_form(short_wait, app, client, session):
    board = Partnership(name="Camden Busy Board", kind="SAB", icb_code="QMJ")
    session.add(board)
    session.commit()
    sign_in(client, "national")
    url = f"/admin/partnership/edit/?id={board.id}"
    data = {"csrf_token": page_token(client, url), "name": "Camden Renamed Board", "kind": "SAB",
            "icb": "QMJ", "active": "y"}
    lock = ImportLock(app).take_table("partnership")
    try:
        response = client.post(url, data=data)
    finally:
        lock.release()
    html = response.get_data(as_text=True)
    assert response.status_code == 200, response.status_code  # the form again, with what was typed
    assert "busy" in html.lower() and "try again" in html.lower()
    assert "Camden Renamed Board" in html
    assert "OperationalError" not in html and "database is locked" not in html  # no internals
    session.expire_all()
    assert session.get(Partnership, board.id).name == "Camden Busy Board"
