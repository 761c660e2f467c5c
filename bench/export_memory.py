"""Export memory: peak memory (tracemalloc) and time of exporting 2k, 10k and 50k reviews as CSV and XLSX.

    .venv/bin/python bench/export_memory.py [--sizes 2000 10000 50000] [--database-url URL]

The exports stream (CSV: a generator; XLSX: openpyxl write-only into a spooled temporary file), so the peak should
stay flat as the number of rows grows.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
import tracemalloc
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._imports_db import bench_app

OVERVIEW = "Agencies did not share information about escalating risk; the review looks at escalation. "


def add_reviews(session, start: int, stop: int) -> None:
    """Insert reviews with straight SQL (data for measuring, not a path users take)."""
    from sqlalchemy import insert, select

    from app.reviews.models import Review, ReviewTheme

    stamp = datetime(2026, 1, 1, tzinfo=UTC)
    base = {"version": 1, "status": "open", "review_type": "SAR_MANDATORY", "date_added": date(2025, 6, 2),
            "organisation_code": "93C", "recorded_organisation_name": "NHS North Central London ICB - 93C",
            "recorded_icb_code": "QMJ", "recorded_icb_name": "NHS North Central London Integrated Care Board",
            "recorded_region_code": "Y56", "recorded_region_name": "London", "recorded_vintage": date(2023, 4, 1),
            "dp_initials": "AB", "media_interest": False, "created_at": stamp, "updated_at": stamp}
    for offset in range(start, stop, 5000):
        batch = [f"BULK-{n:07d}" for n in range(offset, min(offset + 5000, stop))]
        session.execute(insert(Review), [{**base, "local_identifier": b, "overview": OVERVIEW * (1 + len(b) % 5)}
                                         for b in batch])
        ids = session.scalars(select(Review.id).where(Review.local_identifier.in_(batch)))
        session.execute(insert(ReviewTheme), [{"review_id": i, "position": 1, "theme_code": "CA_NEGLECT"} for i in ids])
    session.commit()


def measure(session, export_type: str) -> tuple[float, float, int]:
    """(seconds, peak MB, bytes written) of exporting every review."""
    from app.reviews.export import csv_chunks, export_rows, xlsx_file
    from app.reviews.models import Review

    session.expire_all()
    gc.collect()
    tracemalloc.start()
    started = time.perf_counter()
    query = session.query(Review).order_by(Review.id)
    if export_type == "csv":
        size = sum(len(chunk.encode()) for chunk in csv_chunks(export_rows(query)))
    else:
        with xlsx_file(export_rows(query)) as handle:
            size = len(handle.read())
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    return seconds, peak, size


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 10_000, 50_000])
    parser.add_argument("--database-url")
    args = parser.parse_args()
    with bench_app(args.database_url):
        from app.extensions import db

        done = 0
        print("rows      format  time (s, traced)  peak memory (MB)  file (MB)")
        for size in sorted(args.sizes):
            add_reviews(db.session, done, size)
            done = size
            for export_type in ("csv", "xlsx"):
                seconds, peak, written = measure(db.session, export_type)
                print(f"{size:<9,} {export_type:7} {seconds:16.1f}  {peak:16.1f}  {written / 1e6:9.1f}")


if __name__ == "__main__":
    main()
