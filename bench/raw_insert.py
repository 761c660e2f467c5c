"""The raw bulk-insert baseline the import is compared with: the SAME rows an import of the generated legacy tracker
writes (each review row, its themes and one audit row per review, values already computed), inserted with plain
SQLAlchemy Core executemany in one transaction into a fresh migrated database. No parsing, no rules, no lookups.

    .venv/bin/python -m bench.raw_insert [--rows 10000] [--database-url URL]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

BATCH = 5000


def prepared_rows(rows: int, database_url: str | None = None) -> dict[str, list[dict]]:
    """Import the generated file of `rows` rows once (untimed) and read back what it wrote: review rows (without the
    timeline link), theme rows and each review's creation audit row."""
    from sqlalchemy import select

    from bench._imports_db import bench_app
    from bench.io_speed import run_import

    with bench_app(database_url) as app:
        from app.audit.models import AuditEvent
        from app.extensions import db
        from app.reviews.models import Review, ReviewTheme

        run_import(app, rows)
        audit = AuditEvent.__table__
        out = {
            "review": [{**r, "latest_update_id": None, "latest_update_on": None}
                       for r in db.session.execute(select(Review.__table__).order_by(Review.id)).mappings()],
            "review_theme": [dict(r) for r in db.session.execute(select(ReviewTheme.__table__)).mappings()],
            "audit_event": [{k: v for k, v in r.items() if k != "id"} for r in db.session.execute(
                select(audit).where(audit.c.action == "review.create").order_by(audit.c.id)).mappings()],
        }
    return out


def raw_figures(rows: int, database_url: str | None = None, prepare_url: str | None = None) -> dict:
    """Seconds and rows/s of inserting the prepared rows with Core executemany in one transaction (fresh database)."""
    from sqlalchemy import Table

    from bench._imports_db import bench_app

    prepared = prepared_rows(rows, prepare_url)
    with bench_app(database_url) as app:
        from app.extensions import db

        tables: list[Table] = [db.metadata.tables[name] for name in ("review", "review_theme", "audit_event")]
        started = time.perf_counter()
        with db.engine.begin() as conn:
            for table in tables:
                values = prepared[table.name]
                for start in range(0, len(values), BATCH):
                    conn.execute(table.insert(), values[start:start + BATCH])
        seconds = time.perf_counter() - started
        backend = app.config["SQLALCHEMY_DATABASE_URI"].split(":")[0]
    reviews = len(prepared["review"])
    return {"rows": reviews, "seconds": seconds, "rows_per_second": reviews / seconds, "backend": backend,
            "inserted": {name: len(values) for name, values in prepared.items()}}


def main() -> None:
    """Print the raw figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--database-url", help="an empty database to migrate and use (default: temporary SQLite)")
    args = parser.parse_args()
    figures = raw_figures(args.rows, args.database_url)
    print(f"raw executemany of {figures['inserted']} on {figures['backend']}: {figures['seconds']:.2f} s, "
          f"{figures['rows_per_second']:,.0f} reviews/s")


if __name__ == "__main__":
    main()
