"""`make bench`: build 1k / 100k / 1M-review databases (SQLite and PostgreSQL), measure every page, report table,
job scan, digest and export through the app, count queries, compute the ratios, and write docs/BENCHMARKS.md.

Usage: .venv/bin/python -m bench.run [--sizes 1000,100000,1000000] [--backends sqlite,postgres]
       [--repeats 15] [--warmup 2] [--budget 1.5] [--import-rows 100000] [--out docs/BENCHMARKS.md]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import sys
import threading
import time
from pathlib import Path

from bench.databases import OUT, REPO, cpu_description, load_average, postgres_database, sqlite_database
from bench.harness import measure
from bench.samples import app_for, edit_target, sample

IMPORT_PROBE_ROWS = 1000


def _show(backend: str, size: int, m) -> None:
    print(f"  {backend:8} {size:>9,}  {m.name[:72]:72} {m.median_ms:9.1f} ms median {m.p95_ms:9.1f} p95 "
          f"{m.query_count:4} q  x{m.runs}  [{m.status}]", flush=True)


def run_size(bench_db, *, repeats: int, warmup: int, budget: float) -> dict:
    """Every measurement at one database size: pages, report tables and their raw SQL, extract, jobs, exports."""
    from bench.io_speed import export_figures
    from bench.jobs import digest_scenarios, figure_scenarios, job_scenarios
    from bench.pages import page_scenarios, report_page_scenarios
    from bench.report_cases import report_cases

    app = app_for(bench_db.url)
    from app.extensions import db

    with app.app_context():
        engine = db.engine
    sample_id, identifier = sample(app)
    with app.app_context():
        last_page = min(bench_db.size, app.config["LIST_COUNT_CAP"]) // 50 - 1  # Flask-Admin pages count from 0
    out: dict = {"pages": {}, "tables": {}, "raw": {}, "extract": {}, "jobs": {}, "export": {}}

    def record(group: str, name: str, run, **kw) -> None:
        m = measure(name, run, engine=engine, repeats=kw.get("repeats", repeats), warmup=kw.get("warmup", warmup),
                    budget=kw.get("budget", budget), minimum=kw.get("minimum", 3))
        out[group][name] = m
        _show(bench_db.backend, bench_db.size, m)

    scenarios = page_scenarios(app, sample_review_id=sample_id, sample_identifier=identifier,
                               edit_review_id=edit_target(app), deep_page=max(1, last_page))
    for name, run in scenarios.items():
        record("pages", name, run)
    for name, run in report_page_scenarios(app).items():
        record("pages", name, run, warmup=1, minimum=2)
    for case in report_cases(app):
        for key, run in case.tables.items():
            record("tables", f"{case.label}: {key}", run, warmup=1, minimum=2)
            record("raw", f"{case.label}: {key}", case.raw[key], warmup=1, minimum=2)
        record("extract", f"S-CRT extract, {case.label}", case.extract, repeats=3, warmup=0, budget=2.0, minimum=1)
        for close in case.closers:
            close()
    for name, run in {**job_scenarios(app), **digest_scenarios(app), **figure_scenarios(app)}.items():
        record("jobs", name, run, repeats=5, warmup=1, budget=3.0, minimum=2)
    for export_type in ("csv", "xlsx"):
        out["export"][export_type] = export_figures(app, export_type)
        e = out["export"][export_type]
        print(f"  {bench_db.backend:8} {bench_db.size:>9,}  export {e['rows']:,} rows as {export_type}: "
              f"{e['seconds']:.2f} s, peak {e['peak_mb']:.1f} MB", flush=True)
    with app.app_context():
        db.engine.dispose()
    return out


def import_run(rows: int, budget: float) -> dict:
    """The import of a `rows`-row file; when a small probe says it cannot finish within `budget` seconds, the largest
    file that can (the figure is rows per second either way, and the report says which size ran)."""
    from bench.io_speed import import_figures

    probe = import_figures(IMPORT_PROBE_ROWS)
    if probe["seconds"] * rows / IMPORT_PROBE_ROWS <= budget:
        return {**import_figures(rows), "asked": rows, "probe": probe}
    fitted = max(IMPORT_PROBE_ROWS, int(budget * probe["rows_per_second"]) // 1000 * 1000)
    figures = import_figures(fitted) if fitted > IMPORT_PROBE_ROWS else probe
    return {**figures, "asked": rows, "probe": probe}


def _prepare_all(backends: list[str], sizes: list[int]):
    """SQLite databases in this thread while PostgreSQL generates in another (the server does that work)."""
    prepared: dict = {}
    cluster = None
    errors: list[BaseException] = []
    worker = None
    if "postgres" in backends:
        from devtools.postgres import start_postgres

        cluster = start_postgres()

        def build_postgres() -> None:
            try:
                for size in sizes:
                    prepared[("postgres", size)] = postgres_database(cluster, size)
            except BaseException as exc:  # reported by the main thread
                errors.append(exc)

        worker = threading.Thread(target=build_postgres, name="bench-postgres")
        worker.start()
    if "sqlite" in backends:
        for size in sizes:
            prepared[("sqlite", size)] = sqlite_database(size)
    if worker is not None:
        worker.join()
    if errors:
        raise errors[0]
    return prepared, cluster


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and write the report."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000,100000,1000000")
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--budget", type=float, default=1.5, help="seconds of measured runs per figure (min 3 runs)")
    parser.add_argument("--import-rows", type=int, default=100_000)
    parser.add_argument("--import-budget", type=float, default=45.0)
    parser.add_argument("--out", default=str(REPO / "docs" / "BENCHMARKS.md"))
    args = parser.parse_args(argv)
    os.environ.setdefault("TRACKER_INSTANCE_PATH", str(OUT / "instance"))
    os.environ.setdefault("TRACKER_ENV", "test")
    sizes = [int(s) for s in args.sizes.split(",")]
    backends = args.backends.split(",")
    started, load_start = time.perf_counter(), load_average()
    prepared, cluster = _prepare_all(backends, sizes)
    prepared_seconds = time.perf_counter() - started
    print(f"databases ready in {prepared_seconds:.0f} s", flush=True)
    runs: dict = {}
    try:
        for backend in backends:
            for size in sizes:
                bench_db = prepared[(backend, size)]
                runs[(backend, size)] = {"generation": bench_db.generation,
                                         **run_size(bench_db, repeats=args.repeats, warmup=args.warmup,
                                                    budget=args.budget)}
    finally:
        if cluster is not None:
            cluster.stop()
    imported = import_run(args.import_rows, args.import_budget) if args.import_rows else None
    if imported:
        print(f"import: {imported['rows']:,} rows in {imported['seconds']:.1f} s "
              f"({imported['rows_per_second']:,.0f} rows/s)", flush=True)
    environment = {
        "machine": cpu_description(), "python": platform.python_version(), "sqlite": sqlite3.sqlite_version,
        "postgres": "PostgreSQL 15 (throwaway cluster: fsync off, shared_buffers 64MB)" if "postgres" in backends
        else "not run",
        "repeats": args.repeats, "warmup": args.warmup, "budget": args.budget,
        "total_seconds": time.perf_counter() - started, "prepare_seconds": prepared_seconds,
        "load_start": load_start, "load_end": load_average(),
        "command": "python -m bench.run " + " ".join(argv if argv is not None else sys.argv[1:]),
    }
    from bench.report import write_report

    write_report(Path(args.out), runs, environment, imported)
    (OUT / "last-run.json").write_text(json.dumps(
        {f"{b}-{s}": {group: {k: (v.median_ms, v.p95_ms, v.query_count) for k, v in r[group].items()}
                      for group in ("pages", "tables", "raw", "extract", "jobs")} for (b, s), r in runs.items()},
        indent=1))
    print(f"wrote {args.out} in {environment['total_seconds']:.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
