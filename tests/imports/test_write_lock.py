"""Issue 14 item 9: while a big file is read and judged, other users' saves go through; the import holds the
database's write lock only while it writes its batches. A save that lands meanwhile makes the import run again
holding the lock from the start, never fail."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest
from sqlalchemy import func, select

from app.reviews.models import Review, ReviewUpdate
from tests.imports.helpers import csv_bytes, run
from tests.support.reviews import make_review

HEAD = ["CCG Code", "Type of review", "Date added", "DP initials", "Local identifier", "Theme 1", "Brief overview"]


def big_file(rows: int) -> bytes:
    return csv_bytes([HEAD, *[["93C", "SAR", "03/11/2021", "AB", f"LOCK-{n:05d}", "CA_NEGLECT",
                               "Agencies did not share information."] for n in range(rows)]])


@pytest.fixture
def sqlite_path(session):
    if session.get_bind().dialect.name != "sqlite":
        pytest.skip("the embedded database's single write lock is what this is about (PostgreSQL locks rows)")
    return session.get_bind().url.database


def other_user_saves(path: str, sql: str, *params) -> None:
    """A save by another process, which waits at most half a second for the write lock."""
    conn = sqlite3.connect(path, timeout=0.5)
    try:
        conn.execute(sql, params)
        conn.commit()
    finally:
        conn.close()


def test_a_save_during_the_dry_run_and_commit_is_not_kept_waiting(session, sqlite_path):
    review = make_review(session, local_identifier="SAVED-MEANWHILE")
    saves = []

    def save_now(done: int, total: int) -> None:
        if done in (10, 400):  # while the rows are being judged
            other_user_saves(sqlite_path, "UPDATE review SET version = version + 1, overview = ? WHERE id = ?",
                             f"saved at row {done}", review.id)
            saves.append(done)

    for commit in (False, True):
        saves.clear()
        report = run(session, big_file(600), who="dp_ncl", commit=commit, progress=save_now)
        assert saves == [10, 400] and report.refused is None and report.count("create") == 600
    session.expire_all()
    assert session.get(Review, review.id).overview == "saved at row 400"
    assert session.scalar(select(func.count(Review.id)).where(Review.local_identifier.like("LOCK-%"))) == 600


def test_rows_inserted_meanwhile_make_the_import_run_again_holding_the_lock(session, sqlite_path):
    review = make_review(session, local_identifier="TIMELINE-MEANWHILE", date_added=date(2025, 6, 2))
    inserted = []

    def insert_now(done: int, total: int) -> None:
        if done == 5 and not inserted:  # a new review and a timeline entry take the ids the import planned
            other_user_saves(sqlite_path, "INSERT INTO review_update (review_id, entry_date, text, author_label, "
                                          "created_at) VALUES (?, '2025-06-10', 'Meanwhile.', 'other', "
                                          "'2026-11-25 10:00:00')", review.id)
            inserted.append(done)

    data = csv_bytes([[*HEAD, "Latest update"], *[["93C", "SAR", "03/11/2021", "AB", f"IDS-{n}", "CA_NEGLECT", "x",
                                                   "Panel met."] for n in range(20)]])
    report = run(session, data, who="dp_ncl", commit=True, progress=insert_now)
    assert report.committed and report.count("create") == 20 and inserted == [5]
    assert session.scalar(select(func.count(ReviewUpdate.id)).where(ReviewUpdate.text == "Panel met.")) == 20
    assert [o.review_id is not None for o in report.outcomes] == [True] * 20


def test_a_review_saved_meanwhile_is_read_again_not_refused(session, sqlite_path):
    first = big_file(30)
    assert run(session, first, who="dp_ncl", commit=True).count("create") == 30
    target = session.scalar(select(Review).where(Review.local_identifier == "LOCK-00007"))
    saved = []

    def save_now(done: int, total: int) -> None:
        if done == 3 and not saved:
            other_user_saves(sqlite_path, "UPDATE review SET version = version + 1, media_interest = 1 WHERE id = ?",
                             target.id)
            saved.append(done)

    newer = first.replace(b"Agencies did not share information.", b"Agencies shared late.")
    report = run(session, newer, who="dp_ncl", commit=True, progress=save_now)
    assert report.committed and report.count("update") == 30 and saved == [3]
    session.expire_all()
    again = session.get(Review, target.id)
    assert (again.overview, again.media_interest) == ("Agencies shared late.", True)  # both saves kept
