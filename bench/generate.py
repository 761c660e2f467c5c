"""Bulk-generate a benchmark data set: N reviews with themes, timelines and audit rows, valid by the rules.

Rows go in through the database driver's bulk paths (SQLite executemany in one transaction, PostgreSQL
COPY), not through the services: this is the data set the pages are measured on, not the code measured.
The values obey the record's rules (dates in order, identifiers unique per organisation, 1-3 distinct themes,
closed reviews signed off and published), so the app's own pages and clocks behave as on real data.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Engine, text

START = date(2021, 4, 1)
TODAY = date(2026, 11, 25)
NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
TYPES = ["SAR_MANDATORY", "SAR_DISCRETIONARY", "DHR", "DHR_CHILD", "CSPR", "RAPID", "OTHER"]
TYPE_WEIGHTS = [22, 8, 18, 3, 14, 30, 3]
UPDATES = ["Terms of reference agreed.", "Chronologies requested from agencies.", "Panel meeting held.",
           "Draft report circulated for factual accuracy.", "Awaiting criminal proceedings."]

REVIEW_COLUMNS = [
    "id", "version", "status", "review_type", "type_other_description", "date_added", "incident_date",
    "notification_date", "decision_date", "rapid_outcome", "organisation_code", "recorded_organisation_name",
    "recorded_icb_code", "recorded_icb_name", "recorded_region_code", "recorded_region_name", "recorded_vintage",
    "dp_initials", "steis_number", "local_identifier", "overview", "media_interest", "signed_off_date",
    "publication_date", "publication_status", "embargo_review_date", "report_url", "learning_1",
    "recommendations", "closed_on", "latest_update_id", "latest_update_on", "created_at", "updated_at",
]
UPDATE_COLUMNS = ["id", "review_id", "entry_date", "text", "author_label", "created_at"]
THEME_COLUMNS = ["review_id", "position", "theme_code"]
AUDIT_COLUMNS = ["id", "occurred_at", "action", "actor_email", "entity", "entity_id", "review_id", "review_version",
                 "changes", "detail"]


def _hierarchy(engine: Engine) -> tuple[list[tuple], dict[tuple[date, str], tuple], list[date], list[str]]:
    with engine.connect() as conn:
        locations = conn.execute(text("SELECT code FROM sub_icb_location ORDER BY code")).all()
        entries = conn.execute(text(
            "SELECT valid_from, location_code, location_name, icb_code, icb_name, region_code, region_name "
            "FROM hierarchy_entry")).all()
        themes = [r[0] for r in conn.execute(text("SELECT code FROM theme ORDER BY code"))]
    by_key = {(e[0] if isinstance(e[0], date) else date.fromisoformat(e[0]), e[1]): tuple(e[2:]) for e in entries}
    vintages = sorted({k[0] for k in by_key})
    return [loc[0] for loc in locations], by_key, vintages, themes


def _vintage(vintages: list[date], on: date) -> date:
    chosen = vintages[0]
    for v in vintages:
        if v <= on:
            chosen = v
    return chosen


def _max_ids(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {t: conn.scalar(text(f"SELECT coalesce(max(id), 0) FROM {t}"))  # noqa: S608 - fixed table names
                for t in ("review", "review_update", "audit_event")}


def generate_rows(n: int, engine: Engine, seed: int = 7) -> Iterator[tuple[str, tuple]]:
    """Yield (table, row) for n reviews and their themes, timeline entries and creation audit rows."""
    rng = random.Random(seed)
    locations, hierarchy, vintages, themes = _hierarchy(engine)
    span = (TODAY - START).days
    first = _max_ids(engine)
    update_id = first["review_update"]
    now_s = NOW.isoformat()
    for rid in range(first["review"] + 1, first["review"] + n + 1):
        rtype = rng.choices(TYPES, TYPE_WEIGHTS)[0]
        loc = locations[rid % len(locations)]
        added = START + timedelta(days=rng.randrange(span))
        vintage = _vintage(vintages, added)
        name, icb, icb_name, region, region_name = hierarchy[(vintage, loc)]
        incident = added - timedelta(days=rng.randint(0, 60))
        age = (TODAY - added).days
        status, notification, decision, outcome, closed_on = "open", None, None, None, None
        signed = published = pub_status = embargo = url = learning = recs = None
        if rtype == "RAPID":
            notification = added - timedelta(days=rng.randint(0, 3))
            incident = min(incident, notification)
            if age > 25 and rng.random() < 0.9:
                decision = notification + timedelta(days=rng.randint(10, 24))
                outcome = rng.choice(["CSPR", "NFR", "NFR", "SAR", "DHR"])
                status, closed_on = ("closed" if outcome == "NFR" else "converted"), decision
        elif age > 240 and rng.random() < 0.7:
            signed = added + timedelta(days=rng.randint(150, min(age - 30, 600)))
            if rng.random() < 0.85:
                published = signed + timedelta(days=rng.randint(5, 25))
                pub_status, url = "public", f"https://partnership.example.org/r/{rid}"
                closed_on = published
            else:
                pub_status, embargo, closed_on = "embargoed", signed + timedelta(days=365), signed
            status, learning, recs = "closed", "Information sharing needs a named route.", "See the report."
        n_updates = rng.choice([0, 1, 2, 3, 3, 4, 5]) if age > 5 else 0
        latest_id = latest_on = None
        entry_dates = sorted(added + timedelta(days=rng.randint(1, max(1, min(age, 700)))) for _ in range(n_updates))
        for entry in entry_dates:
            update_id += 1
            yield "review_update", (update_id, rid, entry.isoformat(), rng.choice(UPDATES), "bench@example.com", now_s)
            latest_id, latest_on = update_id, entry.isoformat()
        yield "review", (
            rid, 1, status, rtype, "Local learning review" if rtype == "OTHER" else None, added.isoformat(),
            incident.isoformat(), notification and notification.isoformat(), decision and decision.isoformat(),
            outcome, loc, name, icb, icb_name, region, region_name, vintage.isoformat(),
            rng.choice(["AB", "JK", "MR", "SLT", "PW"]), None, f"BENCH-{rtype[:4]}-{rid:07d}",
            "Agencies did not share information about escalating risk.", rng.random() < 0.1,
            signed and signed.isoformat(), published and published.isoformat(), pub_status,
            embargo and embargo.isoformat(), url, learning, recs, closed_on and closed_on.isoformat(),
            latest_id, latest_on, now_s, now_s,
        )
        for position, code in enumerate(rng.sample(themes, rng.randint(1, 3)), start=1):
            yield "review_theme", (rid, position, code)
        yield "audit_event", (first["audit_event"] + rid - first["review"], now_s, "review.create", "bench@example.com",
                              "review", str(rid), rid, 1, json.dumps({"status": [None, status]}), "benchmark data")


def _flush_sqlite(conn, buffers: dict[str, list]) -> None:
    for table, rows in buffers.items():
        if rows:
            cols = {"review": REVIEW_COLUMNS, "review_update": UPDATE_COLUMNS, "review_theme": THEME_COLUMNS,
                    "audit_event": AUDIT_COLUMNS}[table]
            sql = f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"  # noqa: S608
            conn.executemany(sql, rows)
            rows.clear()


def load(engine: Engine, n: int, *, batch: int = 50_000) -> dict[str, float]:
    """Insert n reviews (and their rows) into a migrated, reference-loaded database; returns timing figures."""
    started = time.perf_counter()
    counts = {"review": 0, "review_update": 0, "review_theme": 0, "audit_event": 0}
    if engine.dialect.name == "sqlite":
        raw = engine.raw_connection()
        try:
            conn = raw.driver_connection
            conn.execute("PRAGMA foreign_keys=OFF")
            conn.execute("PRAGMA synchronous=OFF")
            conn.execute("PRAGMA journal_mode=MEMORY")
            conn.execute("PRAGMA cache_size=-1500000")  # 1.5 GB of page cache: index inserts stay in memory
            indexes = conn.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN "
                "('review', 'review_update', 'review_theme', 'audit_event')").fetchall()
            for name, _ in indexes:  # build indexes once at the end: much faster than row by row
                conn.execute(f'DROP INDEX "{name}"')
            buffers: dict[str, list] = {t: [] for t in counts}
            for table, row in generate_rows(n, engine):
                buffers[table].append(row)
                counts[table] += 1
                if len(buffers["review"]) >= batch:
                    _flush_sqlite(conn, buffers)
            _flush_sqlite(conn, buffers)
            for _, sql in indexes:
                conn.execute(sql)
            conn.commit()
            conn.execute("ANALYZE")
            conn.commit()
        finally:
            raw.close()
    else:
        _load_postgres(engine, n, counts, batch)
    seconds = time.perf_counter() - started
    rows = sum(counts.values())
    return {"seconds": seconds, "rows": rows, "rows_per_second": rows / seconds, **counts}


def _copy_postgres(cur, buffers: dict[str, list]) -> None:
    for table, rows in buffers.items():
        if rows:
            cols = {"review": REVIEW_COLUMNS, "review_update": UPDATE_COLUMNS, "review_theme": THEME_COLUMNS,
                    "audit_event": AUDIT_COLUMNS}[table]
            with cur.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            rows.clear()


def _load_postgres(engine: Engine, n: int, counts: dict[str, int], batch: int) -> None:
    raw = engine.raw_connection()
    try:
        conn = raw.driver_connection
        with conn.cursor() as cur:
            cur.execute("SET session_replication_role = replica")  # skip FK and audit triggers for the bulk load
            buffers: dict[str, list] = {t: [] for t in counts}
            for table, row in generate_rows(n, engine):
                buffers[table].append(row)
                counts[table] += 1
                if len(buffers["review"]) >= batch:
                    _copy_postgres(cur, buffers)
            _copy_postgres(cur, buffers)
            for seq_table in ("review", "review_update", "audit_event"):
                cur.execute(f"SELECT setval(pg_get_serial_sequence('{seq_table}', 'id'), "  # noqa: S608
                            f"(SELECT coalesce(max(id), 1) FROM {seq_table}))")
            cur.execute("SET session_replication_role = origin")
        conn.commit()
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute("VACUUM ANALYZE")
    finally:
        raw.close()
