"""Identifier search anywhere in the identifier, and the list's new sorts, at N reviews:
`python -m bench.identifier_search [--size 1000000] [--backend sqlite|postgres]`.

Builds (or reuses, bench/out/) the benchmark database and times, through the app's test client as a national
admin, the reviews list with a substring search (the middle of a StEIS number, a slice of a local identifier, a
term that matches nothing) and sorted by latest update and by organisation. Prints median and worst milliseconds.
"""

from __future__ import annotations

import argparse
import statistics
import time

from sqlalchemy import func, select

from app.extensions import db
from app.reviews.models import Review
from bench.databases import sqlite_database
from bench.pages import signed_in_client
from bench.samples import app_for


def _time(run, repeats: int) -> tuple[float, float]:
    run()  # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), max(times)


def measure(url: str, repeats: int) -> dict[str, tuple[float, float]]:
    """Milliseconds (median, worst) for each scenario."""
    app = app_for(url)
    with app.app_context():
        middle = db.session.scalar(select(func.max(Review.id))) // 2
        review = db.session.get(Review, middle)
        steis, local = review.steis_number or "2024/12345", review.local_identifier or "X"
    client = signed_in_client(app, "national")
    scenarios = {
        f"search the middle of a StEIS number ({steis[3:8]!r})": f"/admin/review/?search={steis[3:8]}",
        f"search a slice of a local identifier ({local[2:9]!r})": f"/admin/review/?search={local[2:9]}",
        "search a term that matches nothing ('zzqq9')": "/admin/review/?search=zzqq9",
        "sorted by latest update, newest first": "/admin/review/?sort=6&desc=1",
        "sorted by organisation": "/admin/review/?sort=4",
    }

    def get(path):
        def run():
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
            response.get_data()
        return run

    return {name: _time(get(path), repeats) for name, path in scenarios.items()}


def main() -> None:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    database = sqlite_database(args.size)
    print(f"sqlite, {args.size:,} reviews (generation: {database.generation})")
    for name, (median, worst) in measure(database.url, args.repeats).items():
        print(f"  {name}: median {median:.0f} ms, worst {worst:.0f} ms")


if __name__ == "__main__":
    main()
