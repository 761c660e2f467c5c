"""Bulk-generate a benchmark data set: N reviews with themes, timelines and audit rows, valid by the rules.

The rows are made by the database itself (INSERT ... SELECT over a row-number series: a recursive CTE on SQLite,
generate_series on PostgreSQL), with every "random" choice a fixed integer hash of the row number, so a size
holds the same data on both databases. Secondary indexes are dropped for the load and built once at the end.
This is the data set the pages are measured on, not the code measured: it does not go through the services.

The values obey the record's rules (bench/test: tests/bench/test_generate.py checks them with rules.validate):
dates in order and never in the future, identifiers unique per organisation, 1-3 distinct themes, a rapid
review's notification before its decision, closed reviews signed off and published (or embargoed), some open
reviews signed off and awaiting publication, 0-5 timeline entries with the review's latest update set.
"""

from __future__ import annotations

import time
from datetime import date

from sqlalchemy import Engine, text

from app.reviews.history_rebuild import rebuild_from_stored

START = date(2021, 4, 1)
TODAY = date(2026, 11, 25)
SPAN = (TODAY - START).days
TYPES = [("SAR_MANDATORY", 22), ("SAR_DISCRETIONARY", 8), ("DHR", 18), ("DHR_CHILD", 3), ("CSPR", 14),
         ("RAPID", 30), ("OTHER", 3)]
UPDATES = ["Terms of reference agreed.", "Chronologies requested from agencies.", "Panel meeting held.",
           "Draft report circulated for factual accuracy.", "Awaiting criminal proceedings."]
INITIALS = ["AB", "JK", "MR", "SLT", "PW"]
OUTCOMES = ["CSPR", "NFR", "NFR", "SAR", "DHR"]
STAMP = {"sqlite": "'2026-11-25 09:00:00.000000'", "postgresql": "TIMESTAMPTZ '2026-11-25 09:00:00+00'"}
TABLES = ("review", "review_update", "review_theme", "audit_event")


def _h(k: int) -> str:
    """A fixed pseudo-random integer in [0, 1000003) for row g and salt k: the same on both databases."""
    return f"((g * {2654435761 + 2 * k} + {97 * k + 13}) % 1000003)"


def _case(expr: str, choices: list[str]) -> str:
    return "CASE " + " ".join(f"WHEN {expr} = {i} THEN '{c}'" for i, c in enumerate(choices[:-1])) + \
        f" ELSE '{choices[-1]}' END"


def _type_case() -> str:
    parts, edge = [], 0
    for name, weight in TYPES[:-1]:
        edge += weight
        parts.append(f"WHEN {_h(1)} % 98 < {edge} THEN '{name}'")
    return f"CASE {' '.join(parts)} ELSE '{TYPES[-1][0]}' END"


class Dialect:
    """The few spellings that differ between SQLite and PostgreSQL."""

    def __init__(self, name: str):
        self.name = name

    def series(self, first: int, last: int) -> str:
        """A FROM item yielding column g = first..last."""
        if self.name == "sqlite":
            return (f"(WITH RECURSIVE s(g) AS (SELECT {first} UNION ALL SELECT g + 1 FROM s WHERE g < {last}) "
                    "SELECT g FROM s) AS s")
        return f"generate_series({first}, {last}) AS s(g)"

    def day(self, offset: str) -> str:
        """The date START + offset days."""
        if self.name == "sqlite":
            return f"date({_julian(START)} + ({offset}))"
        return f"(DATE '{START.isoformat()}' + CAST({offset} AS INTEGER))"

    def least(self, a: str, b: str) -> str:
        """The smaller of two integers."""
        return f"min({a}, {b})" if self.name == "sqlite" else f"LEAST({a}, {b})"

    def pad(self, expr: str, width: int) -> str:
        """An integer as text, zero-padded."""
        if self.name == "sqlite":
            return f"printf('%0{width}d', {expr})"
        return f"lpad(CAST({expr} AS TEXT), {width}, '0')"


def _julian(day: date) -> float:
    return day.toordinal() + 1721424.5


def _seed_sql(d: Dialect, first: int, last: int, n_locations: int) -> str:
    """One row per review with its choices as integers (days since START)."""
    rapid = "t = 'RAPID'"
    return f"""
CREATE TEMP TABLE bench_seed AS
SELECT g, t, added, {SPAN} - added AS age, loc, u, decided, p, media,
       CASE WHEN {SPAN} - added > 5 THEN (CASE nu WHEN 0 THEN 0 WHEN 1 THEN 1 WHEN 2 THEN 2 WHEN 3 THEN 3
            WHEN 4 THEN 3 WHEN 5 THEN 4 ELSE 5 END) ELSE 0 END AS n_updates,
       CASE WHEN {rapid} THEN added - u % 4 END AS notified,
       CASE WHEN {rapid} THEN {d.least('added - inc', 'added - u % 4')} ELSE added - inc END AS incident,
       CASE WHEN {rapid} AND decided = 1 THEN added - u % 4 + 10 + (u / 7) % 15 END AS decided_on,
       CASE WHEN {rapid} AND decided = 1 THEN u % 5 END AS outcome,
       CASE WHEN NOT ({rapid}) AND {SPAN} - added > 240 AND p < 80
            THEN added + 150 + (u / 3) % ({d.least(f'{SPAN} - added - 30', '600')} - 149) END AS signed
FROM (SELECT g, {_type_case()} AS t, {_h(2)} % {SPAN} AS added, g % {n_locations} AS loc, {_h(3)} % 61 AS inc,
             {_h(4)} AS u,
             CASE WHEN {SPAN} - {_h(2)} % {SPAN} > 25 AND {_h(5)} % 10 < 9 THEN 1 ELSE 0 END AS decided,
             {_h(6)} % 100 AS p, {_h(7)} % 10 = 0 AS media, {_h(8)} % 7 AS nu
      FROM {d.series(first, last)}) AS base
"""


def _review_sql(d: Dialect, first_update: int, vintages: list[date]) -> str:
    published = "signed IS NOT NULL AND p < 60"
    embargoed = "signed IS NOT NULL AND p >= 60 AND p < 70"
    vidx = " ".join(f"WHEN added >= {(v - START).days} THEN {i}" for i, v in reversed(list(enumerate(vintages))))
    latest = f"{first_update} + (g - 1) * 5 + n_updates"
    latest_on = f"added + 1 + ({d.least('age', '700')} - 1) * n_updates / (n_updates + 1)"
    pub_day = "signed + 5 + u % 21"
    return f"""
INSERT INTO review (id, version, status, review_type, type_other_description, date_added, incident_date,
    notification_date, decision_date, rapid_outcome, organisation_code, recorded_organisation_name, recorded_icb_code,
    recorded_icb_name, recorded_region_code, recorded_region_name, recorded_vintage, dp_initials, steis_number,
    local_identifier, overview, media_interest, signed_off_date, publication_date, publication_status,
    embargo_review_date, report_url, learning_1, recommendations, closed_on, latest_update_id, latest_update_on,
    created_at, updated_at)
SELECT g, 1,
    CASE WHEN outcome IS NOT NULL THEN (CASE WHEN outcome IN (1, 2) THEN 'closed' ELSE 'converted' END)
         WHEN {published} OR {embargoed} THEN 'closed' ELSE 'open' END,
    t, CASE WHEN t = 'OTHER' THEN 'Local learning review' END,
    {d.day('added')}, {d.day('incident')}, {d.day('notified')}, {d.day('decided_on')},
    CASE WHEN outcome IS NOT NULL THEN {_case('outcome', OUTCOMES)} END,
    l.code, l.name, l.icb, l.icb_name, l.region, l.region_name, l.vintage,
    {_case('u % 5', INITIALS)},
    CASE WHEN g % 3 = 0 AND g < 300000 THEN CAST(2021 + added / 366 AS TEXT) || '/' || {d.pad('g / 3', 5)} END,
    'BENCH-' || substr(t, 1, 4) || '-' || {d.pad('g', 7)},
    'Agencies did not share information about escalating risk.', media,
    {d.day('signed')},
    CASE WHEN {published} THEN {d.day(pub_day)} END,
    CASE WHEN {published} THEN 'public' WHEN {embargoed} THEN 'embargoed' END,
    CASE WHEN {embargoed} THEN {d.day('signed + 365')} END,
    CASE WHEN {published} THEN 'https://partnership.example.org/r/' || CAST(g AS TEXT) END,
    CASE WHEN {published} OR {embargoed} THEN 'Information sharing needs a named route.' END,
    CASE WHEN {published} OR {embargoed} THEN 'See the report.' END,
    CASE WHEN outcome IS NOT NULL THEN {d.day('decided_on')} WHEN {published} THEN {d.day(pub_day)}
         WHEN {embargoed} THEN {d.day('signed')} END,
    CASE WHEN n_updates > 0 THEN {latest} END,
    CASE WHEN n_updates > 0 THEN {d.day(latest_on)} END,
    {STAMP[d.name]}, {STAMP[d.name]}
FROM bench_seed JOIN bench_loc l ON l.i = loc AND l.v = (CASE {vidx} ELSE 0 END)
"""


def _children_sql(d: Dialect, first_update: int, first_audit: int, n_themes: int) -> list[str]:
    entry = f"added + 1 + ({d.least('age', '700')} - 1) * k / (n_updates + 1)"
    return [
        f"""INSERT INTO review_update (id, review_id, entry_date, text, author_label, created_at)
SELECT {first_update} + (g - 1) * 5 + k, g, {d.day(entry)}, {_case('(u + k) % 5', UPDATES)}, 'bench@example.com',
       {STAMP[d.name]}
FROM bench_seed JOIN bench_k ON k <= n_updates""",
        f"""INSERT INTO review_theme (review_id, position, theme_code)
SELECT g, k, th.code FROM bench_seed JOIN bench_k ON k <= 1 + u % 3
JOIN bench_theme th ON th.i = (u + 11 * k) % {n_themes}""",
        f"""INSERT INTO audit_event (id, occurred_at, action, actor_email, entity, entity_id, review_id,
    review_version, changes, detail)
SELECT {first_audit} + g, {STAMP[d.name]}, 'review.create', 'bench@example.com', 'review', CAST(g AS TEXT), g, 1,
       '{{"status": [null, "open"]}}', 'benchmark data'
FROM bench_seed""",
    ]


def _helper_tables(conn, d: Dialect) -> tuple[list[date], int, int]:
    """Small lookup tables: locations by (index, vintage), themes by index, positions 1-5."""
    vintages = [v if isinstance(v, date) else date.fromisoformat(v) for (v,) in
                conn.exec_driver_sql("SELECT DISTINCT valid_from FROM hierarchy_entry ORDER BY 1").all()]
    locations = [c for (c,) in conn.exec_driver_sql("SELECT code FROM sub_icb_location ORDER BY code")]
    themes = [c for (c,) in conn.exec_driver_sql("SELECT code FROM theme ORDER BY code")]
    entries = {(e[0] if isinstance(e[0], date) else date.fromisoformat(e[0]), e[1]): e[2:] for e in
               conn.exec_driver_sql("SELECT valid_from, location_code, location_name, icb_code, icb_name, "
                                    "region_code, region_name FROM hierarchy_entry").all()}
    conn.exec_driver_sql("CREATE TEMP TABLE bench_loc (i INTEGER, v INTEGER, code TEXT, name TEXT, icb TEXT, "
                         "icb_name TEXT, region TEXT, region_name TEXT, vintage DATE)")
    rows = [{"i": i, "v": v, "code": code, "name": e[0], "icb": e[1], "icb_name": e[2], "region": e[3],
             "region_name": e[4], "vintage": vintage if d.name == "postgresql" else vintage.isoformat()}
            for i, code in enumerate(locations) for v, vintage in enumerate(vintages)
            if (e := entries.get((vintage, code)))]
    conn.execute(text("INSERT INTO bench_loc VALUES (:i, :v, :code, :name, :icb, :icb_name, :region, :region_name, "
                      ":vintage)"), rows)
    conn.exec_driver_sql("CREATE TEMP TABLE bench_theme (i INTEGER, code TEXT)")
    conn.execute(text("INSERT INTO bench_theme VALUES (:i, :code)"), [{"i": i, "code": c} for i, c in
                                                                     enumerate(themes)])
    conn.exec_driver_sql("CREATE TEMP TABLE bench_k (k INTEGER)")
    conn.execute(text("INSERT INTO bench_k VALUES (:k)"), [{"k": k} for k in range(1, 6)])
    return vintages, len(locations), len(themes)


def _secondary_indexes(conn, dialect: str) -> list[tuple[str, str]]:
    """(name, CREATE statement) of the droppable indexes of the loaded tables."""
    names = ", ".join(f"'{t}'" for t in TABLES)
    if dialect == "sqlite":
        return conn.exec_driver_sql(f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                                    f"AND tbl_name IN ({names})").all()
    return conn.exec_driver_sql(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = current_schema() AND i.tablename IN "
        f"({names}) AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)").all()


def _execute(conn, sql: str):
    """Run one generated statement (psycopg reads % as a placeholder unless doubled)."""
    return conn.exec_driver_sql(sql.replace("%", "%%") if conn.dialect.name == "postgresql" else sql)


def load(engine: Engine, n: int) -> dict[str, float]:
    """Insert n reviews (and their rows) into a migrated, reference-loaded database; returns timing figures."""
    started = time.perf_counter()
    d = Dialect(engine.dialect.name)
    with engine.begin() as conn:
        first = {t: conn.exec_driver_sql(f"SELECT coalesce(max(id), 0) FROM {t}").scalar()
                 for t in ("review", "review_update", "audit_event")}
        assert first["review"] == 0, "the generator fills an empty review table"
        if d.name == "sqlite":
            for pragma in ("foreign_keys=OFF", "synchronous=OFF", "journal_mode=MEMORY", "cache_size=-1000000"):
                conn.exec_driver_sql(f"PRAGMA {pragma}")
        else:
            conn.exec_driver_sql("SET session_replication_role = replica")  # no FK or audit triggers for the load
            conn.exec_driver_sql("SET maintenance_work_mem = '512MB'")
            conn.exec_driver_sql("SET work_mem = '256MB'")
        vintages, n_locations, n_themes = _helper_tables(conn, d)
        indexes = _secondary_indexes(conn, d.name)
        for name, _ in indexes:
            conn.exec_driver_sql(f'DROP INDEX "{name}"')
        _execute(conn, _seed_sql(d, 1, n, n_locations))
        statements = [_review_sql(d, first["review_update"], vintages),
                      *_children_sql(d, first["review_update"], first["audit_event"], n_themes)]
        counts = {}
        for table, sql in zip(TABLES, statements, strict=True):
            counts[table] = _execute(conn, sql).rowcount
        inserted = time.perf_counter()
        for _, sql in indexes:
            conn.exec_driver_sql(sql)
        indexed = time.perf_counter()
        # The status history every report reads, as migration 0008 builds it for reviews with no status change in
        # their audit trail: two INSERT ... SELECT statements (its indexes stay: the second reads the first's rows).
        rebuild_from_stored(conn)
        history = {"history_rows": conn.exec_driver_sql("SELECT count(*) FROM review_status_interval").scalar(),
                   "history_seconds": time.perf_counter() - indexed}
        for table in ("bench_seed", "bench_loc", "bench_theme", "bench_k"):
            conn.exec_driver_sql(f"DROP TABLE {table}")
        if d.name == "postgresql":
            for table in ("review", "review_update", "audit_event"):
                conn.exec_driver_sql(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                     f"(SELECT coalesce(max(id), 1) FROM {table}))")
            conn.exec_driver_sql("SET session_replication_role = origin")
    analysed = time.perf_counter()
    if d.name == "sqlite":
        with engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
    else:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")  # statistics and the visibility map, as autovacuum would
    seconds = time.perf_counter() - started
    rows = sum(counts.values())
    insert_seconds = inserted - started
    return {"seconds": seconds, "rows": rows, "rows_per_second": rows / seconds, "insert_seconds": insert_seconds,
            "insert_rows_per_second": rows / insert_seconds, "index_seconds": indexed - inserted,
            "analyze_seconds": time.perf_counter() - analysed, **counts, **history}
