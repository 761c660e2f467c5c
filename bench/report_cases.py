"""Report scenarios: each report table through the app's service and as hand-written raw SQL, the report page,
and the S-CRT extract, for a national financial year, a region's quarter and an ICB's month (as recorded)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bench.generate import TODAY
from bench.raw_reports import dbapi_runner, parameters, raw_statements

# (label, period code, area code): national FY, region quarter, ICB month.
CASES = [("national FY2025", "FY2025", "ENG"), ("region Y56 2026-Q2", "2026-Q2", "Y56"),
         ("ICB QMJ 2026-10", "2026-10", "QMJ")]


@dataclass
class ReportCase:
    """The callables measured for one report case."""

    label: str
    tables: dict[str, Callable[[], int]]  # key -> app service
    raw: dict[str, Callable[[], int]]  # key -> raw SQL through the DBAPI
    extract: Callable[[], int]
    url: str
    closers: list[Callable[[], None]]


def report_cases(app) -> list[ReportCase]:
    """Every report case with its table, raw SQL and extract callables."""
    from app.extensions import db
    from app.orgs.scope import scope_for_code
    from app.people.actor import system_actor
    from app.reports import extract as scrt
    from app.reports import extract_files
    from app.reports.request import prepare_request
    from app.reports.service import TABLE_KEYS, build_table

    clocks, settings, mapping = app.config["CLOCKS"], app.config["REPORTS"], app.config["SCRT_EXTRACT"]
    out = []
    with app.app_context():
        national = system_actor(scope_for_code(db.session, "ENG"), "bench")
        engine = db.engine
        for label, period, area in CASES:
            request = prepare_request(db.session, actor=national, period=period, scope_code=area,
                                      geography="recorded", today=TODAY)

            def table(key: str, request=request) -> Callable[[], int]:
                def run() -> int:
                    with app.app_context():
                        return len(build_table(db.session, request, key, clocks=clocks, settings=settings,
                                               page=True).rows)
                return run

            def extract(request=request) -> int:
                with app.app_context():
                    return sum(1 for _ in extract_files.csv_chunks(
                        scrt.extract_rows(db.session, request, mapping, clocks=clocks), mapping))

            statements = raw_statements(request, clocks=clocks,
                                        learning_rows=settings.get("learning_rows_on_page", 100))
            params = parameters(request, engine.dialect.name)
            connection = engine.raw_connection()
            raw = {key: dbapi_runner(connection, engine.dialect.name, statements[key], params) for key in TABLE_KEYS}
            out.append(ReportCase(label, {key: table(key) for key in TABLE_KEYS}, raw, extract,
                                  f"/admin/reports/?period={period}&scope={area}&geography=recorded",
                                  [connection.close]))
    return out
