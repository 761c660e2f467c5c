"""Report and dashboard timings on PostgreSQL with many synthetic reviews: `python -m bench.reports --reviews N`.

Starts a throwaway PostgreSQL cluster (devtools.postgres), migrates it, loads the reference data, inserts N
synthetic reviews in bulk SQL (not through the services: this measures reading, not writing), then times
each report table, the dashboard and the S-CRT extract for national, regional and ICB scopes, and prints
the plan of the slowest statements.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from sqlalchemy import event, text

SYNTHETIC_REVIEWS = """
CREATE TEMP TABLE bench_loc AS
  SELECT (row_number() OVER (ORDER BY location_code)) - 1 AS i, location_code, location_name, icb_code, icb_name,
         region_code, region_name, valid_from
  FROM hierarchy_entry WHERE valid_from = (SELECT max(valid_from) FROM hierarchy_entry);
INSERT INTO review (version, status, review_type, type_other_description, date_added, incident_date,
                    notification_date, decision_date, rapid_outcome, organisation_code, recorded_organisation_name,
                    recorded_icb_code, recorded_icb_name, recorded_region_code, recorded_region_name, recorded_vintage,
                    dp_initials, local_identifier, overview, media_interest, signed_off_date, publication_date,
                    publication_status, report_url, learning_1, recommendations, closed_on, created_at, updated_at)
SELECT 1,
       CASE WHEN t = 'RAPID' AND decided THEN (CASE WHEN u < 45 THEN 'converted' ELSE 'closed' END)
            WHEN t <> 'RAPID' AND published THEN 'closed' ELSE 'open' END,
       t, CASE WHEN t = 'OTHER' THEN 'Local learning review' END,
       added, added - 10,
       CASE WHEN t = 'RAPID' THEN added END,
       CASE WHEN t = 'RAPID' AND decided THEN added + 10 + u % 15 END,
       CASE WHEN t = 'RAPID' AND decided THEN (CASE WHEN u < 45 THEN 'CSPR' ELSE 'NFR' END) END,
       l.location_code, l.location_name, l.icb_code, l.icb_name, l.region_code, l.region_name, l.valid_from,
       'AB', 'BENCH-' || g, 'Agencies did not share information about escalating risk.', u % 9 = 0,
       CASE WHEN t <> 'RAPID' AND (published OR u % 7 = 0) AND added + 250 <= :today THEN added + 250 END,
       CASE WHEN t <> 'RAPID' AND published THEN added + 300 END,
       CASE WHEN t <> 'RAPID' AND published THEN 'public' END,
       CASE WHEN t <> 'RAPID' AND published THEN 'https://example.org/r/' || g END,
       CASE WHEN t <> 'RAPID' AND published THEN 'Share information earlier.' END,
       CASE WHEN t <> 'RAPID' AND published THEN 'Agencies to adopt a joint escalation protocol.' END,
       CASE WHEN t = 'RAPID' AND decided THEN added + 10 + u % 15 WHEN t <> 'RAPID' AND published THEN added + 300 END,
       now(), now()
FROM (
  SELECT g,
         (ARRAY['SAR_MANDATORY','SAR_DISCRETIONARY','DHR','DHR_CHILD','CSPR','RAPID','RAPID','OTHER'])[1 + g % 8] AS t,
         date '2021-04-01' + ((g::bigint * 104729) % (:today - date '2021-04-01'))::int AS added,
         ((g::bigint * 7919) % 100)::int AS u, ((g::bigint * 7919) % 106)::int AS loc
  FROM generate_series(1, :n) AS g
) s
JOIN bench_loc l ON l.i = s.loc
CROSS JOIN LATERAL (SELECT s.added + 40 <= :today AND s.u < 92 AS decided,
                           s.added + 300 <= :today AND s.u < 70 AS published) f;
INSERT INTO review_theme (review_id, position, theme_code)
  SELECT id, 1, (ARRAY['CA_NEGLECT','CA_SELF_NEGLECT','CA_DOMESTIC','WT_NEGLECT','TH_MENTAL_HEALTH'])[1 + id % 5]
  FROM review WHERE local_identifier LIKE 'BENCH-%';
INSERT INTO review_theme (review_id, position, theme_code)
  SELECT id, 2, (ARRAY['TH_SUBSTANCE_MISUSE','TH_SUICIDE','WT_PHYSICAL'])[1 + id % 3]
  FROM review WHERE local_identifier LIKE 'BENCH-%' AND id % 2 = 0;
"""


@contextmanager
def statements(engine):
    """Collect the SQL statements run on an engine, with their parameters."""
    seen: list[tuple[str, object]] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        """Remember one statement."""
        seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", before)


def timed(fn, repeat: int = 3) -> float:
    """Median wall time of a call, in milliseconds."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    """Load N synthetic reviews into a throwaway PostgreSQL and print the timings."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reviews", type=int, default=200_000)
    args = parser.parse_args()
    os.environ.setdefault("TRACKER_ENV", "test")

    from flask_migrate import upgrade

    from app.extensions import db
    from app.factory import create_app
    from app.orgs.reference import load_reference_data
    from app.orgs.scope import scope_for_code
    from app.people.actor import system_actor
    from app.reports import extract as scrt
    from app.reports import extract_files
    from app.reports.dashboard import build_dashboard, dashboard_trend
    from app.reports.request import prepare_request
    from app.reports.service import TABLE_KEYS, build_table
    from app.reviews.history_rebuild import rebuild_from_stored
    from app.timezone import london_today
    from app.types import utcnow
    from devtools.postgres import start_postgres

    cluster = start_postgres()  # a fresh cluster under /tmp, removed by stop()
    try:
        app = create_app("test", {"SQLALCHEMY_DATABASE_URI": cluster.url, "TESTING": True})
        with app.app_context():
            upgrade(directory=str(Path(__file__).resolve().parent.parent / "migrations"))
            load_reference_data(db.session)
            db.session.commit()
            today = london_today(utcnow())
            started = time.perf_counter()
            for part in SYNTHETIC_REVIEWS.split(";\n"):
                if part.strip():
                    db.session.execute(text(part), {"n": args.reviews, "today": today})
            rebuild_from_stored(db.session.connection())  # the status history the reports read (migration 0008's)
            db.session.commit()
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM ANALYZE"))  # as autovacuum would: statistics and the visibility map
            count = db.session.execute(text("SELECT count(*) FROM review")).scalar()
            print(f"{count:,} reviews loaded in {time.perf_counter() - started:.0f} s")
            session, clocks, settings = db.session, app.config["CLOCKS"], app.config["REPORTS"]
            national = system_actor(scope_for_code(session, "ENG"))
            cases = [("FY2025", "ENG", "recorded"), ("FY2025", "ENG", "current"), ("2025-Q3", "Y56", "recorded"),
                     ("2025-Q3", "Y56", "current"), ("2025-11", "QMJ", "recorded"), ("2025-11", "93C", "current")]
            slow: list[tuple[float, str, object]] = []
            for period, scope, geography in cases:
                request = prepare_request(session, actor=national, period=period, scope_code=scope,
                                          geography=geography, today=today)
                line = []
                for key in TABLE_KEYS:
                    with statements(db.engine) as seen:
                        ms = timed(lambda k=key, r=request: build_table(session, r, k, clocks=clocks,
                                                                        settings=settings, page=True))
                    slow.append((ms, f"{period} {scope} {geography} {key}", seen[-1]))
                    line.append(f"{key} {ms:.0f}")
                rows = scrt.count_rows(session, request)
                ms = timed(lambda r=request: sum(1 for _ in extract_files.csv_chunks(
                    scrt.extract_rows(session, r, app.config["SCRT_EXTRACT"], clocks=clocks),
                    app.config["SCRT_EXTRACT"])),
                    repeat=1)
                line.append(f"extract({rows:,} rows) {ms:.0f}")
                print(f"{period:8} {scope:4} {geography:9} ms: " + ", ".join(line))
            for code in ("ENG", "Y56", "QMJ"):
                scope = scope_for_code(session, code)
                board = timed(lambda s=scope: build_dashboard(session, scope=s, today=today, clocks=clocks))
                trend = timed(lambda s=scope: dashboard_trend(session, scope=s, today=today))
                print(f"dashboard {code:4} ms: figures {board:.0f}, trend {trend:.0f}")
            print("\nSlowest statements:")
            for ms, label, (statement, parameters) in sorted(slow, key=lambda s: s[0], reverse=True)[:3]:
                with db.engine.connect() as conn:
                    cursor = conn.connection.cursor()
                    cursor.execute("EXPLAIN ANALYZE " + statement, parameters)
                    plan = [r[0] for r in cursor.fetchall()]
                print(f"--- {label}: {ms:.0f} ms")
                print("\n".join(plan[:25]))
            db.session.remove()
            db.engine.dispose()
    finally:
        cluster.stop()


if __name__ == "__main__":
    print(f"today: {date.today()}")
    main()
