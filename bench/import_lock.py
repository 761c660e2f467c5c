"""How long a bulk import keeps other users' saves waiting on SQLite (issue 14 item 9).

    .venv/bin/python -m bench.import_lock [--rows 40000] [--busy-timeout 5]

Commits a generated tracker of new reviews (every row valid) while another connection saves an existing review
every 0.2 s, as a user would, waiting at most `--busy-timeout` seconds for the write lock. Prints how long the
import read and judged the rows (no lock held), how long it wrote (the write lock held), and how long each
concurrent save waited, split by phase, with the saves that gave up ("database is locked").
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from flask import current_app

from app.extensions import db
from app.imports.service import import_reviews, limits_from
from app.orgs.scope import scope_for_code
from app.people.actor import system_actor
from bench._imports_db import bench_app
from bench.import_speed import encode

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
HEADERS = ["CCG code", "Type of review", "Date added", "DP initials", "Local ref", "Theme 1", "Brief overview",
           "Latest update"]


def tracker(rows: int, prefix: str) -> bytes:
    """A CSV of new, valid SAR rows in one sub-ICB location, each with a latest update."""
    body = [[*HEADERS]] + [["93C", "SAR", date(2022, 1 + n % 12, 1 + n % 28).strftime("%d/%m/%Y"), "AB",
                            f"{prefix}-{n:06d}", "CA_NEGLECT", "Agencies did not share information.",
                            "Chronologies requested."] for n in range(rows)]
    return encode(body, "csv")


@dataclass
class Saves:
    """Another user's saves during the import: (phase, seconds waited, whether it gave up)."""

    path: str
    review_id: int
    timeout: float
    phase: str = "before"
    stop: threading.Event = field(default_factory=threading.Event)
    results: list[tuple[str, float, bool]] = field(default_factory=list)

    def run(self) -> None:
        """Save the review every 0.2 s until stopped."""
        n = 0
        while not self.stop.is_set():
            n += 1
            phase, started = self.phase, time.perf_counter()
            conn = sqlite3.connect(self.path, timeout=self.timeout)
            try:
                conn.execute("UPDATE review SET version = version + 1, overview = ? WHERE id = ?",
                             (f"save {n}", self.review_id))
                conn.commit()
                failed = False
            except sqlite3.OperationalError:
                failed = True
            finally:
                conn.close()
            self.results.append((phase, time.perf_counter() - started, failed))
            self.stop.wait(0.2)


def summary(results: list[tuple[str, float, bool]], phase: str) -> str:
    """Count, median and worst wait, and failures, of the saves made in one phase."""
    waits = [w for p, w, _ in results if p == phase]
    failed = sum(1 for p, _, f in results if p == phase and f)
    if not waits:
        return f"{phase:8} no saves"
    return (f"{phase:8} {len(waits):4} saves, median wait {statistics.median(waits) * 1000:7.1f} ms, "
            f"worst {max(waits):6.2f} s, {failed} gave up (database is locked)")


def main() -> None:
    """Run the measurement and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=40_000)
    parser.add_argument("--busy-timeout", type=float, default=5.0)
    args = parser.parse_args()
    with bench_app() as app:
        app.config["IMPORT_MAX_BYTES"] = 64 * 1024 * 1024
        actor = system_actor(scope_for_code(db.session, "ENG"), name="bench")
        limits = limits_from(current_app.config)
        seed = import_reviews(db.session, data=tracker(1, "SEED"), filename="seed.csv", actor=actor, now=NOW,
                              commit=True, limits=limits)
        db.session.commit()
        saves = Saves(app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"), seed.outcomes[0].review_id,
                      args.busy_timeout)
        data = tracker(args.rows, "LOCK")
        marks: dict[str, float] = {}

        def progress(done: int, total: int) -> None:
            saves.phase = "judging"
            if done >= total:
                marks.setdefault("judged", time.perf_counter())
                saves.phase = "writing"

        worker = threading.Thread(target=saves.run, daemon=True)
        worker.start()
        time.sleep(1.0)
        started = time.perf_counter()
        report = import_reviews(db.session, data=data, filename="lock.csv", actor=actor, now=NOW, commit=True,
                                limits=limits, progress=progress)
        db.session.commit()
        ended = time.perf_counter()
        saves.phase = "after"
        time.sleep(1.0)
        saves.stop.set()
        worker.join()
        assert report.committed and report.count("create") == args.rows, report.summary()
        judged = marks.get("judged", ended)
        print(f"{args.rows:,} rows committed in {ended - started:.1f} s: read and judged {judged - started:.1f} s "
              f"(no lock), written {ended - judged:.1f} s (write lock held); busy timeout {args.busy_timeout:g} s")
        for phase in ("before", "judging", "writing", "after"):
            print("  " + summary(saves.results, phase))


if __name__ == "__main__":
    main()
