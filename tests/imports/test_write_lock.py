"""Issue 14 item 9: while a big file is read and judged, other users' saves go through; a commit holds the
database's write lock only while it writes, and writes the whole file in one transaction, so that nothing is ever
half-imported (a failure or a crash part-way leaves none of the file's rows); a dry run writes nothing. A review
someone saves meanwhile is never overwritten: its row is refused and says why."""

from __future__ import annotations

import os
import select as select_fd
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from app.audit.models import AuditEvent
from app.imports import writer
from app.reviews.models import Review, ReviewUpdate
from tests.imports.helpers import csv_bytes, run
from tests.support.reviews import make_review

REPO = Path(__file__).resolve().parents[2]
HEAD = ["CCG Code", "Type of review", "Date added", "DP initials", "Local identifier", "Theme 1", "Brief overview"]


def big_file(rows: int) -> bytes:
    return csv_bytes([HEAD, *[["93C", "SAR", "03/11/2021", "AB", f"LOCK-{n:05d}", "CA_NEGLECT",
                               "Agencies did not share information."] for n in range(rows)]])


@pytest.fixture
def sqlite_path(session):
    if session.get_bind().dialect.name != "sqlite":
        pytest.skip("another user is a second SQLite connection here (PostgreSQL takes its table lock for the "
                    "write the same way)")
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


def test_rows_inserted_meanwhile_take_the_next_ids_and_the_import_takes_the_ones_after(session, sqlite_path):
    review = make_review(session, local_identifier="TIMELINE-MEANWHILE", date_added=date(2025, 6, 2))
    inserted = []

    def insert_now(done: int, total: int) -> None:
        if done == 5 and not inserted:  # a new timeline entry takes the next free id while the rows are judged
            other_user_saves(sqlite_path, "INSERT INTO review_update (review_id, entry_date, text, author_label, "
                                          "created_at) VALUES (?, '2025-06-10', 'Meanwhile.', 'other', "
                                          "'2026-11-25 10:00:00')", review.id)
            inserted.append(done)

    data = csv_bytes([[*HEAD, "Latest update"], *[["93C", "SAR", "03/11/2021", "AB", f"IDS-{n}", "CA_NEGLECT", "x",
                                                   "Panel met."] for n in range(20)]])
    report = run(session, data, who="dp_ncl", commit=True, progress=insert_now)
    assert report.committed and report.count("create") == 20 and inserted == [5]
    meanwhile = session.scalar(select(ReviewUpdate.id).where(ReviewUpdate.text == "Meanwhile."))
    ours = session.execute(select(ReviewUpdate.id, ReviewUpdate.review_id).where(ReviewUpdate.text == "Panel met.")
                           .order_by(ReviewUpdate.id)).all()
    assert len(ours) == 20 and ours[0].id > meanwhile
    created = [o.review_id for o in report.outcomes]
    assert created == sorted(created) and [r for _, r in ours] == created  # the real ids, in row order
    events = session.execute(select(AuditEvent.entity_id, AuditEvent.review_id).where(
        AuditEvent.action == "review.update", AuditEvent.review_id.in_(created))).all()
    assert sorted((int(e), r) for e, r in events) == [tuple(o) for o in ours]  # the audit names the real ids


def test_a_review_saved_meanwhile_is_never_overwritten_its_row_is_refused(session, sqlite_path):
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
    assert report.committed and report.count("update") == 29 and saved == [3]
    assert [(p.row, p.severity) for p in report.problems] == [(9, "refused")]
    assert report.problems[0].message == (f"Someone saved review No. {target.id} while the file was being imported: "
                                          "this row was not imported, so their save is kept.")
    assert [r.row for r in report.refused_rows] == [9] and "import the file again" in report.refused_rows[0].next_step
    session.expire_all()
    again = session.get(Review, target.id)
    assert (again.overview, again.media_interest) == ("Agencies did not share information.", True)
    assert run(session, newer, who="dp_ncl", commit=True).count("update") == 1  # the next import brings it in
    session.expire_all()
    assert (session.get(Review, target.id).overview, session.get(Review, target.id).media_interest) == (
        "Agencies shared late.", True)


def test_other_users_see_all_of_a_commit_or_none_of_it_and_a_dry_run_never_holds_them_up(session, sqlite_path):
    """Another user keeps saving every 20 ms while 1,500 rows are judged and written: every save that gets through
    sees none of the file's reviews or all of them, never part of the file. The dry run writes nothing: saves never
    wait for it."""
    review_id = make_review(session, local_identifier="SAVED-DURING-WRITE").id
    session.commit()
    waits: list[tuple[str, float, bool]] = []
    seen: list[int] = []  # how many of the file's reviews another user sees after each save
    phase = {"now": "judging"}
    stop = threading.Event()

    def saves() -> None:
        n = 0
        while not stop.is_set():
            n += 1
            started, kind = time.perf_counter(), phase["now"]
            conn = sqlite3.connect(sqlite_path, timeout=2.0)
            try:
                conn.execute("UPDATE review SET version = version + 1, overview = ? WHERE id = ?", (f"save {n}",
                                                                                                  review_id))
                conn.commit()
                waits.append((kind, time.perf_counter() - started, True))
                seen.append(conn.execute("SELECT count(*) FROM review WHERE local_identifier LIKE 'LOCK-%'")
                            .fetchone()[0])
            except sqlite3.OperationalError:
                waits.append((kind, time.perf_counter() - started, False))
            finally:
                conn.close()
            stop.wait(0.02)

    def judged(done: int, total: int) -> None:
        if done >= total:
            phase["now"] = "writing"

    data = big_file(1500)
    worker = threading.Thread(target=saves, daemon=True)
    worker.start()
    try:
        dry = run(session, data, who="dp_ncl", progress=judged)
        dry_run_waits = list(waits)
        waits.clear()
        phase["now"] = "judging"
        report = run(session, data, who="dp_ncl", commit=True, progress=judged)
        time.sleep(0.1)  # a save or two after the commit
    finally:
        stop.set()
        worker.join()
    assert dry.count("create") == report.count("create") == 1500 and report.committed
    assert all(ok for _, _, ok in dry_run_waits) and max(w for _, w, _ in dry_run_waits) < 1.0
    assert any(kind == "judging" and ok for kind, _, ok in waits)  # the commit's reading and judging hold no lock
    assert seen and set(seen) <= {0, 1500}, sorted(set(seen))  # never part of the file
    assert session.scalar(select(func.count(Review.id)).where(Review.local_identifier.like("LOCK-%"))) == 1500


def file_rows(session) -> tuple[int, int]:
    """(the file's reviews, audit events of their creation) in the database, as another connection sees them."""
    session.expire_all()
    return (session.scalar(select(func.count(Review.id)).where(Review.local_identifier.like("LOCK-%"))),
            session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "review.create")))


def test_a_row_the_database_refuses_half_way_through_the_write_leaves_none_of_the_file(session, sqlite_path,
                                                                                       monkeypatch):
    """A uniqueness rule the checks did not catch (here a trigger refusing row 1,202's review) stops the write after
    1,200 of the file's reviews have been inserted, 100 a statement: the whole file is rolled back and the report
    says nothing was imported."""
    monkeypatch.setattr(writer, "BATCH", 100)
    session.execute(text("CREATE TRIGGER refuse_one BEFORE INSERT ON review WHEN NEW.local_identifier = 'LOCK-01200' "
                         "BEGIN SELECT RAISE(ABORT, 'UNIQUE constraint failed: review.local_identifier'); END"))
    session.commit()
    before = file_rows(session)
    report = run(session, big_file(1500), who="dp_ncl", commit=True)
    assert not report.committed and report.refused.endswith("Nothing was imported: correct the row and try again.")
    assert report.outcomes == [] and file_rows(session) == before == (0, before[1])
    other_user_saves(sqlite_path, "UPDATE review SET version = version WHERE 0 = 1")  # and the lock is free


def test_an_import_killed_half_way_through_its_write_leaves_none_of_the_file(session, sqlite_path, app, tmp_path):
    """The import runs in another process and is killed (SIGKILL) 20 statements into its write (all 1,500 reviews
    inserted, 100 a statement, their themes under way; a write committed in chunks of 500 rows would have committed
    some): none of the file's rows are in the database afterwards, and others can save at once."""
    path = tmp_path / "tracker.csv"
    path.write_bytes(big_file(1500))
    session.commit()
    before = file_rows(session)
    env = {**os.environ, "TRACKER_INSTANCE_PATH": str(tmp_path / "killed-instance")}
    process = subprocess.Popen([sys.executable, "-m", "tests.imports.killed_import", app.config[
        "SQLALCHEMY_DATABASE_URI"], str(path), "dp.ncl@example.com"], cwd=REPO, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    try:
        ready, _, _ = select_fd.select([process.stdout], [], [], 180)
        line = process.stdout.readline() if ready else ""
        assert line.strip() == "MIDWAY", process.stderr.read() if process.poll() is not None else "no answer"
        with pytest.raises(sqlite3.OperationalError, match="locked"):  # the import is writing, in its transaction
            conn = sqlite3.connect(sqlite_path, timeout=0.1)
            try:
                conn.execute("BEGIN IMMEDIATE")
            finally:
                conn.close()
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == -signal.SIGKILL
    assert file_rows(session) == before == (0, before[1])
    other_user_saves(sqlite_path, "UPDATE review SET version = version WHERE 0 = 1")  # the lock died with it
