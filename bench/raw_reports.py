"""Each report table written by hand as raw SQL, run through the DBAPI cursor with the same parameters.

The ratio "report table through the app ÷ its raw SQL" is the app's overhead (building the statement, the ORM,
Python post-processing) over the aggregate a DBA would write. The report cases use the 'as recorded' geography
of a national requester, so the area is one plain column comparison.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta

from app.reports.periods import month_ends
from app.reports.request import ReportRequest
from app.reviews.calendar import working_days
from app.reviews.clock_queries import latest_start
from app.reviews.clocks import publication_due, rapid_review_deadline, sign_off_due, stale_due

OPEN_AT = "(date_added <= {d} AND (closed_on IS NULL OR closed_on > {d}))"
ADDED = "(date_added BETWEEN :start AND :end)"
CLOSED = ("((closed_on BETWEEN :start AND :end AND closed_on >= date_added) OR "
          "(closed_on < date_added AND date_added BETWEEN :start AND :end))")
ACTIVE = "(date_added <= :end AND (closed_on IS NULL OR closed_on >= :start OR date_added >= :start))"
FLOW = (f"count(CASE WHEN {OPEN_AT.format(d=':day_before')} THEN 1 END), count(CASE WHEN {ADDED} THEN 1 END), "
        f"count(CASE WHEN {CLOSED} THEN 1 END), count(CASE WHEN {OPEN_AT.format(d=':as_of')} THEN 1 END)")


def _area(request: ReportRequest) -> tuple[str, dict]:
    """The recorded-geography area condition, and the child level's code and name columns."""
    kind = request.scope.kind
    if kind == "england":
        return "1 = 1", {"code": "recorded_region_code", "name": "recorded_region_name"}
    if kind == "region":
        return "recorded_region_code = :area", {"code": "recorded_icb_code", "name": "recorded_icb_name"}
    if kind == "icb":
        return "recorded_icb_code = :area", {"code": "organisation_code", "name": "recorded_organisation_name"}
    return "organisation_code = :area", {"code": "organisation_code", "name": "recorded_organisation_name"}


def _overdue_sql(clocks: dict, day: date) -> list[str]:
    """The five 'overdue on `day`' conditions with their cut-off dates worked out as constants."""
    cal, due_to = working_days(), day - timedelta(days=1)

    def cut(due: Callable[[date], date], estimate: int) -> str:
        return f"'{latest_start(due, due_to, due_to - timedelta(days=estimate)).isoformat()}'"

    def types(kind: str) -> str:
        return ", ".join(f"'{t}'" for t in clocks[kind]["applies_to"])

    sign_off = " OR ".join(
        f"(review_type = '{t}' AND date_added <= {cut(lambda d, t=t: sign_off_due(d, t, clocks), m * 31)})"
        for t, m in clocks["sign_off_expected"]["months_by_type"].items())
    return [
        "(status = 'open' AND review_type = 'RAPID' AND decision_date IS NULL AND notification_date <= "
        f"{cut(lambda d: rapid_review_deadline(d, clocks, cal), 21)})",
        f"(status = 'open' AND review_type IN ({types('stale')}) AND coalesce(latest_update_on, date_added) <= "
        f"{cut(lambda d: stale_due(d, clocks), clocks['stale']['days'])})",
        f"(status = 'open' AND signed_off_date IS NULL AND ({sign_off}))",
        f"(status = 'open' AND publication_status IS NULL AND review_type IN ({types('publication_chase')}) AND "
        f"signed_off_date <= {cut(lambda d: publication_due(d, clocks), 30)})",
        f"(publication_status = 'embargoed' AND review_type IN ({types('embargo_review')}) AND "
        f"embargo_review_date <= {cut(lambda d: d, 0)})",
    ]


def raw_statements(request: ReportRequest, *, clocks: dict, learning_rows: int = 100) -> dict[str, list[str]]:
    """Report table key -> the raw SQL statement(s) that compute it (named :parameters)."""
    area, child = _area(request)
    where = f"WHERE {area} AND {ACTIVE}"
    overdue = _overdue_sql(clocks, request.as_of)
    ends = month_ends(request.as_of, 12)
    trend = ", ".join(f"count(CASE WHEN {OPEN_AT.format(d=repr(d.isoformat()))} THEN 1 END)" for d in ends)
    learning_cols = ("id, coalesce(steis_number, lfpse_reference, local_identifier) AS identifier, review_type, "
                     "organisation_code, recorded_organisation_name, closed_on, publication_status, learning_1, "
                     "learning_2, learning_3, recommendations")
    return {
        "flow": [f"SELECT review_type, {FLOW} FROM review {where} GROUP BY review_type"],
        "areas": [f"SELECT {child['code']}, max({child['name']}), {FLOW} FROM review {where} "
                  f"GROUP BY {child['code']}"],
        "rapid": [
            f"SELECT count(CASE WHEN {ADDED} THEN 1 END), count(CASE WHEN decision_date BETWEEN :start AND :end "
            "THEN 1 END), " + ", ".join(
                f"count(CASE WHEN decision_date BETWEEN :start AND :end AND status = 'converted' AND rapid_outcome "
                f"= '{o}' THEN 1 END)" for o in ("CSPR", "SAR", "DHR")) +
            ", count(CASE WHEN decision_date BETWEEN :start AND :end AND rapid_outcome = 'NFR' THEN 1 END), "
            f"count(CASE WHEN {OPEN_AT.format(d=':as_of')} THEN 1 END) FROM review {where} AND review_type = 'RAPID'",
            f"SELECT notification_date, decision_date, count(*) FROM review WHERE {area} AND review_type = 'RAPID' "
            "AND decision_date BETWEEN :start AND :end GROUP BY notification_date, decision_date",
        ],
        "themes": [
            f"SELECT t.code, t.label, count(CASE WHEN {ACTIVE} THEN 1 END), count(CASE WHEN {ADDED} THEN 1 END), "
            f"count(CASE WHEN {CLOSED} THEN 1 END), count(CASE WHEN {OPEN_AT.format(d=':as_of')} THEN 1 END) "
            f"FROM review_theme rt JOIN review ON review.id = rt.review_id JOIN theme t ON t.code = rt.theme_code "
            f"{where} GROUP BY t.code, t.label"],
        "overdue": [
            "SELECT " + ", ".join(f"count(CASE WHEN {c} THEN 1 END)" for c in overdue) +
            f", count(CASE WHEN {' OR '.join(overdue)} THEN 1 END) FROM review WHERE {area} AND date_added <= :as_of "
            "AND (status = 'open' OR publication_status = 'embargoed')"],
        "media": [
            f"SELECT review_type, count(*), count(CASE WHEN {ADDED} THEN 1 END), "
            f"count(CASE WHEN {OPEN_AT.format(d=':as_of')} THEN 1 END) FROM review {where} AND media_interest = "
            ":yes GROUP BY review_type"],
        "trend": [f"SELECT {trend} FROM review WHERE {area} AND date_added <= '{ends[-1].isoformat()}' AND "
                  f"(closed_on IS NULL OR closed_on >= '{ends[0].isoformat()}' OR date_added >= "
                  f"'{ends[0].isoformat()}')"],
        "learning": [
            f"SELECT * FROM (SELECT {learning_cols} FROM review WHERE {area} AND status = 'closed' AND closed_on "
            f"BETWEEN :start AND :end AND closed_on >= date_added UNION ALL SELECT {learning_cols} FROM review "
            f"WHERE {area} AND status = 'closed' AND closed_on < date_added AND date_added BETWEEN :start AND :end) "
            f"AS closed ORDER BY closed_on, id LIMIT {learning_rows + 1}"],
    }


def parameters(request: ReportRequest, dialect: str) -> dict:
    """The statement parameters for a request (dates as ISO text on SQLite)."""
    period = request.period
    values = {"start": period.start, "end": period.end, "day_before": period.day_before, "as_of": request.as_of,
              "area": request.scope.code, "yes": True}
    if dialect == "sqlite":
        values = {k: v.isoformat() if isinstance(v, date) else v for k, v in values.items()}
        values["yes"] = 1
    return values


def dbapi_runner(raw, dialect: str, statements: list[str], params: dict) -> Callable[[], int]:
    """A callable running the statements on a raw DBAPI connection and fetching every row."""
    if dialect != "sqlite":  # psycopg: %(name)s placeholders; a literal % would need doubling (none here)
        statements = [re.sub(r"(?<![:\w]):(\w+)", r"%(\1)s", s) for s in statements]
    def run() -> int:
        cursor = raw.cursor()
        rows = 0
        for sql in statements:
            names = set(re.findall(r"(?<![:\w]):(\w+)", sql)) | set(re.findall(r"%\((\w+)\)s", sql))
            cursor.execute(sql, {k: v for k, v in params.items() if k in names})
            rows += len(cursor.fetchall())
        cursor.close()
        raw.rollback()
        return rows

    return run
