"""Turning a load-test run into docs/LOADTEST.md: locust's CSV as a table, job timings, CPU by process kind."""

from __future__ import annotations

import csv
import io
import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

TASK_LINE = re.compile(r"Task (workflows\.[\w.]+)\[([0-9a-f-]+)\] (succeeded|raised|failed)(?: in ([\d.]+)s)?")


@dataclass
class StatRow:
    """One request kind (or 'Aggregated') from locust's *_stats.csv."""

    method: str
    name: str
    requests: int
    failures: int
    rps: float
    p50: float
    p95: float
    p99: float
    max: float


def _number(value: str) -> float:
    return float(value) if value not in ("", "N/A") else 0.0


def parse_stats(csv_text: str) -> list[StatRow]:
    """Rows of locust's --csv *_stats.csv (times in ms), the 'Aggregated' row last."""
    rows = []
    for r in csv.DictReader(io.StringIO(csv_text)):
        rows.append(StatRow(method=r["Type"], name=r["Name"], requests=int(r["Request Count"]),
                            failures=int(r["Failure Count"]), rps=_number(r["Requests/s"]), p50=_number(r["50%"]),
                            p95=_number(r["95%"]), p99=_number(r["99%"]), max=_number(r["Max Response Time"])))
    rows.sort(key=lambda row: (row.name == "Aggregated", -row.requests))
    return rows


def stats_table(rows: list[StatRow]) -> str:
    """A Markdown table: request kind, count, failures, requests/s, p50/p95/p99/max in ms."""
    lines = ["| Request | Count | Failures | Req/s | p50 ms | p95 ms | p99 ms | max ms |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        name = "**All requests**" if r.name == "Aggregated" else f"{r.method} {r.name}"
        lines.append(f"| {name} | {r.requests} | {r.failures} | {r.rps:.2f} | {r.p50:.0f} | {r.p95:.0f} | "
                     f"{r.p99:.0f} | {r.max:.0f} |")
    return "\n".join(lines)


def parse_failures(csv_text: str) -> list[tuple[str, str, str, int]]:
    """(method, name, error, occurrences) from locust's *_failures.csv."""
    return [(r["Method"], r["Name"], r["Error"], int(r["Occurrences"])) for r in csv.DictReader(io.StringIO(csv_text))]


def task_events(log_text: str) -> list[tuple[str, str, str, float | None]]:
    """(task name, task id, outcome, seconds) for every Celery task outcome line of the workers' log."""
    return [(m.group(1), m.group(2), m.group(3), float(m.group(4)) if m.group(4) else None)
            for m in TASK_LINE.finditer(log_text)]


def process_kind(cmdline: str) -> str:
    """What a process of the run is, from its command line."""
    if "gunicorn" in cmdline:
        return "gunicorn (web)"
    if "celery" in cmdline:
        return "celery beat" if " beat" in cmdline else "celery workers"
    if cmdline.startswith("postgres") or "/bin/postgres" in cmdline:
        return "PostgreSQL"
    if "redis-server" in cmdline:
        return "Redis"
    if "locust" in cmdline:
        return "locust (load generator)"
    return "other (run's helpers)"


def replace_section(doc: str, label: str, body: str) -> str:
    """The document with the generated section `label` (between its marker comments) replaced or appended."""
    start, end = f"<!-- loadtest:{label} -->", f"<!-- /loadtest:{label} -->"
    block = f"{start}\n{body.strip()}\n{end}"
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
    if pattern.search(doc):
        return pattern.sub(lambda _m: block, doc)
    return doc.rstrip("\n") + "\n\n" + block + "\n"


def update_doc(path: Path, label: str, body: str, *, title: str = "# Load test") -> None:
    """Write the run's section into the document (created with a title when missing)."""
    doc = path.read_text() if path.exists() else f"{title}\n"
    path.write_text(replace_section(doc, label, body))


def server_times(log_text: str, *, since: str = "", until: str = "") -> dict[str, tuple[int, float, float]]:
    """Endpoint -> (requests, p50 ms, p95 ms) from the app's JSON request log lines (ISO times in [since, until])."""
    durations: dict[str, list[float]] = {}
    for line in log_text.splitlines():
        start = line.find('{"time"')
        if start < 0 or '"logger": "tracker.request"' not in line:
            continue
        try:
            entry = json.loads(line[start:])
        except ValueError:
            continue
        if (since and entry["time"] < since) or (until and entry["time"] > until):
            continue
        durations.setdefault(entry.get("endpoint") or "?", []).append(float(entry["duration_ms"]))
    result = {}
    for endpoint, values in durations.items():
        values.sort()
        result[endpoint] = (len(values), values[len(values) // 2], values[min(len(values) - 1,
                                                                               math.ceil(0.95 * len(values)) - 1)])
    return result
