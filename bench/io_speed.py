"""Export of 10,000 reviews (time, and peak memory under tracemalloc) from a benchmark database, and the import
of a generated 100,000-row legacy tracker file (bench/import_speed.py's file, the import service, one commit)."""

from __future__ import annotations

import gc
import time
import tracemalloc
from dataclasses import replace
from datetime import UTC, datetime

EXPORT_ROWS = 10_000


def export_figures(app, export_type: str, *, rows: int = EXPORT_ROWS) -> dict:
    """Seconds (untraced), peak MB (traced) and bytes of exporting the first `rows` reviews (national scope)."""
    from app.extensions import db
    from app.reviews.export import csv_chunks, export_rows, xlsx_file
    from app.reviews.models import Review

    def once() -> int:
        with app.app_context():
            query = db.session.query(Review).order_by(Review.id).limit(rows)
            if export_type == "csv":
                return sum(len(chunk.encode()) for chunk in csv_chunks(export_rows(query)))
            with xlsx_file(export_rows(query)) as handle:
                return len(handle.read())

    gc.collect()
    started = time.perf_counter()
    size = once()
    seconds = time.perf_counter() - started
    gc.collect()
    tracemalloc.start()
    once()
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    with app.app_context():
        exported = db.session.query(Review.id).order_by(Review.id).limit(rows).count()
    return {"seconds": seconds, "peak_mb": peak, "bytes": size, "rows": exported}


def run_import(app, rows: int, *, per_row: bool = False, commit: bool = True):
    """Import the generated legacy tracker of `rows` rows (CSV) in the app's database: (seconds, report)."""
    from bench.import_speed import encode, tracker_rows

    data = encode(tracker_rows(rows), "csv")
    with app.app_context():
        from app.extensions import db
        from app.imports.service import import_reviews, limits_from
        from app.orgs.scope import scope_for_code
        from app.people.actor import system_actor

        actor = system_actor(scope_for_code(db.session, "ENG"), name="bench")
        # The speed is measured, not the upload limit: a 100,000-row CSV (16 MB) is over the default
        # IMPORT_MAX_BYTES (10 MB), so the bench lets the file's own size through.
        limits = limits_from(app.config)
        limits = replace(limits, max_bytes=max(limits.max_bytes, len(data)))
        db.session.commit()
        started = time.perf_counter()
        report = import_reviews(db.session, data=data, filename="bench.csv", actor=actor,
                                now=datetime(2026, 11, 25, 10, 0, tzinfo=UTC), commit=commit, limits=limits,
                                per_row=per_row)
        db.session.commit()
        seconds = time.perf_counter() - started
        if report.refused or (commit and not report.committed):
            raise RuntimeError(f"the benchmark file was not imported: {report.refused or report.summary()}")
        return seconds, report


def import_figures(rows: int, database_url: str | None = None, *, per_row: bool = False) -> dict:
    """Import a generated legacy tracker of `rows` rows (CSV) into a fresh database with one commit (the bulk path,
    or per_row=True for the one-row-at-a-time services path)."""
    from bench._imports_db import bench_app

    with bench_app(database_url) as app:
        seconds, report = run_import(app, rows, per_row=per_row)
        backend = app.config["SQLALCHEMY_DATABASE_URI"].split(":")[0]
    return {"rows": rows, "seconds": seconds, "rows_per_second": rows / seconds, "clean": bool(report.clean),
            "backend": backend, "summary": report.summary(), "path": "per row" if per_row else "bulk"}
