"""`make bench`: build 1k / 100k / 1M-review databases (SQLite and PostgreSQL), measure every page through the
app, count queries, compute the ratios, and write docs/BENCHMARKS.md.

Usage: .venv/bin/python -m bench.run [--sizes 1000,100000,1000000] [--backends sqlite,postgres]
       [--repeats 15] [--warmup 3] [--out docs/BENCHMARKS.md]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import sys
import time
from datetime import date
from pathlib import Path

from bench.databases import OUT, REPO, cpu_description, postgres_database, sqlite_database
from bench.harness import measure
from bench.pages import page_scenarios
from bench.report import write_report


def _edit_target(app) -> int:
    from app.extensions import db
    from app.orgs.scope import scope_for_code
    from app.people.actor import system_actor
    from app.reviews.rules import ReviewInput
    from app.reviews.service import create_review
    from app.types import utcnow

    with app.app_context():
        review = create_review(db.session, actor=system_actor(scope_for_code(db.session, "ENG"), "bench"),
                               now=utcnow(), data=ReviewInput(
                                   review_type="DHR", organisation_code="02Q", date_added=date(2026, 6, 1),
                                   incident_date=date(2026, 5, 20), dp_initials="BM",
                                   local_identifier=f"BENCH-EDIT-{int(time.time() * 1000)}",
                                   themes=["CA_DOMESTIC"], overview="Created for the edit benchmark."))
        db.session.commit()
        rid = review.id
        # the edit scenario posts this identifier back
        review.local_identifier = f"BENCH-EDIT-{rid}"
        db.session.commit()
        return rid


def _sample(app) -> tuple[int, str]:
    from sqlalchemy import select

    from app.extensions import db
    from app.reviews.models import Review

    with app.app_context():
        count = db.session.scalar(select(Review.id).order_by(Review.id.desc()).limit(1))
        sample = db.session.get(Review, max(1, count // 2))
        return sample.id, sample.local_identifier


def run_size(bench_db, *, repeats: int, warmup: int) -> dict:
    """Every measurement at one database size."""
    from app import create_app

    app = create_app("test", {"SQLALCHEMY_DATABASE_URI": bench_db.url, "WTF_CSRF_TIME_LIMIT": None})
    from app.extensions import db

    with app.app_context():
        engine = db.engine
    sample_id, sample_identifier = _sample(app)
    deep_page = max(1, min(bench_db.size // 50 // 2, 2000))
    scenarios = page_scenarios(app, sample_review_id=sample_id, sample_identifier=sample_identifier,
                               edit_review_id=_edit_target(app), deep_page=deep_page)
    results = {}
    for name, run in scenarios.items():
        results[name] = measure(name, run, engine=engine, repeats=repeats, warmup=warmup)
        m = results[name]
        print(f"  {bench_db.backend:8} {bench_db.size:>9,}  {name:70} {m.median_ms:8.1f} ms median "
              f"{m.p95_ms:8.1f} p95  {m.query_count:3} queries  [{m.status}]", flush=True)
    with app.app_context():
        db.engine.dispose()
    return results


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and write the report."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000,100000,1000000")
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--out", default=str(REPO / "docs" / "BENCHMARKS.md"))
    args = parser.parse_args(argv)
    os.environ.setdefault("TRACKER_INSTANCE_PATH", str(OUT / "instance"))
    sizes = [int(s) for s in args.sizes.split(",")]
    backends = args.backends.split(",")
    started = time.perf_counter()
    runs: dict = {}
    cluster = None
    try:
        for backend in backends:
            if backend == "postgres":
                from devtools.postgres import start_postgres

                cluster = start_postgres()
            for size in sizes:
                print(f"preparing {backend} with {size:,} reviews ...", flush=True)
                bench_db = sqlite_database(size) if backend == "sqlite" else postgres_database(cluster, size)
                if bench_db.generation:
                    g = bench_db.generation
                    print(f"  generated {g['rows']:,} rows in {g['seconds']:.1f} s "
                          f"({g['rows_per_second']:,.0f} rows/s)", flush=True)
                runs[(backend, size)] = {"generation": bench_db.generation,
                                         "pages": run_size(bench_db, repeats=args.repeats, warmup=args.warmup)}
    finally:
        if cluster is not None:
            cluster.stop()
    environment = {
        "machine": cpu_description(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "postgres": "PostgreSQL 15 (throwaway cluster, fsync off)" if "postgres" in backends else "not run",
        "repeats": args.repeats, "warmup": args.warmup, "total_seconds": time.perf_counter() - started,
        "command": "python -m bench.run " + " ".join(argv if argv is not None else sys.argv[1:]),
    }
    write_report(Path(args.out), runs, environment)
    (OUT / "last-run.json").write_text(json.dumps({f"{b}-{s}": {k: (v.median_ms, v.p95_ms, v.query_count)
                                                                 for k, v in r["pages"].items()}
                                                    for (b, s), r in runs.items()}, indent=1))
    print(f"wrote {args.out} in {environment['total_seconds']:.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
