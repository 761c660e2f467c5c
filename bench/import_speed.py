"""Import speed: rows per second for a generated legacy tracker (default 10,000 rows) through the review services.

    .venv/bin/python bench/import_speed.py [--rows 10000] [--format csv|xlsx] [--database-url URL]

Prints the time and rows/s of: reading the file alone, the dry run, the commit, and importing the same file again
(every row unchanged). Each row goes through the same rules as the review form (create_review, add_update, the PII
guard, scope, duplicates) in one transaction.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._imports_db import bench_app

ORGS = ["93C", "52R", "02Q", "16C", "00C", "04K", "NHS Nottingham City", "15N", "84H", "36L"]
TYPES = ["SAR", "DHR", "CSPR", "SAR (discretionary)", "DHR child"]
THEMES = {"SAR": "CA_NEGLECT", "SAR (discretionary)": "Self-neglect", "DHR": "DA_DOMESTIC_ABUSE",
          "DHR child": "DA_COERCIVE_CONTROL", "CSPR": "WT_NEGLECT"}
HEADERS = ["CCG code", "Type of review", "Date added", "Incident date", "DP initials", "StEIS number", "Local ref",
           "Theme 1", "Brief overview", "Media interest", "Latest update", "Latest update date"]


def tracker_rows(count: int) -> list[list[str]]:
    """A valid legacy tracker: mixed date styles, old CCG codes and names, half the rows with a latest update."""
    rows = [HEADERS]
    for i in range(count):
        added = date(2021, 4, 1) + timedelta(days=i % 1500)
        kind = TYPES[i % len(TYPES)]
        rows.append([
            ORGS[i % len(ORGS)], kind, added.strftime("%d/%m/%Y" if i % 2 else "%d %b %Y"),
            (added - timedelta(days=9)).isoformat(), "AB", f"{added.year}/{i % 100000:05d}" if i % 3 == 0 else "",
            f"BENCH-{i:06d}", THEMES[kind], "Agencies did not share information about escalating risk.",
            "Y" if i % 7 == 0 else "N", "Chronology requested from agencies." if i % 2 == 0 else "",
            (added + timedelta(days=14)).strftime("%d/%m/%Y") if i % 2 == 0 else "",
        ])
    return rows


def encode(rows: list[list[str]], fmt: str) -> bytes:
    """The rows as a CSV (UTF-8) or XLSX file."""
    if fmt == "csv":
        buffer = io.StringIO()
        csv.writer(buffer).writerows(rows)
        return buffer.getvalue().encode()
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Tracker")
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
    parser.add_argument("--database-url", help="an empty database to migrate and use (default: temporary SQLite)")
    args = parser.parse_args()
    data = encode(tracker_rows(args.rows), args.format)

    with bench_app(args.database_url) as app:
        from flask import current_app

        from app.extensions import db
        from app.imports.readers import open_table
        from app.imports.service import import_reviews, limits_from
        from app.orgs.scope import scope_for_code
        from app.people.actor import system_actor

        now = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
        actor = system_actor(scope_for_code(db.session, "ENG"), name="bench")
        limits = limits_from(current_app.config)
        print(f"{args.rows:,} rows, {args.format.upper()} {len(data) / 1e6:.1f} MB, "
              f"{app.config['SQLALCHEMY_DATABASE_URI'].split(':')[0]}")

        started = time.perf_counter()
        table = open_table(data, limits=limits)
        rows = sum(1 for _ in table.rows())
        read = time.perf_counter() - started
        print(f"  read only    {read:7.2f} s  {rows / read:9,.0f} rows/s")
        for label, commit in (("dry run", False), ("commit", True), ("same again", True)):
            started = time.perf_counter()
            report = import_reviews(db.session, data=data, filename=f"bench.{args.format}", actor=actor, now=now,
                                    commit=commit, limits=limits)
            db.session.commit()
            seconds = time.perf_counter() - started
            assert report.clean, report.refused or report.problems[:3]
            print(f"  {label:12} {seconds:7.2f} s  {args.rows / seconds:9,.0f} rows/s   {report.summary()}")


if __name__ == "__main__":
    main()
