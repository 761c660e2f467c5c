"""N+1 guard: the SQL statements a report, a download or the dashboard runs do not grow with the reviews."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date, timedelta

from sqlalchemy import event

from app.extensions import db
from app.orgs.scope import scope_for_code
from app.people.actor import system_actor
from app.reviews.actions import decide_rapid_review
from app.reviews.timeline import add_update
from app.reviews.types import RapidOutcome
from tests.support.reviews import NOW, make_review
from tests.support.web import sign_in

Q = "period=FY2021&scope=ENG&geography=current"
URLS = [
    "/admin/",
    "/admin/chart/trend.svg",
    "/admin/chart/themes.svg",
    f"/admin/reports/?{Q}",
    f"/admin/reports/?{Q.replace('current', 'recorded')}",
    f"/admin/reports/download/all.xlsx?{Q}",
    f"/admin/reports/download/learning.csv?{Q}",
    f"/admin/reports/chart/rapid.png?{Q}",
    f"/admin/reports/extract.csv?{Q}",
    f"/admin/reports/extract.xlsx?{Q}",
]
# Upper bounds: sign-in and scope look-ups, the scope drop-down, one aggregate query per table, the audit row; the
# overdue table as at a past day reads the records as the tracker held them (3 statements per 500 reviews).
MOST = {"/admin/": 12, f"/admin/reports/?{Q}": 25}


@contextmanager
def counting():
    statements: list[str] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", before)


def measure(client) -> dict[str, int]:
    counts = {}
    for url in URLS:
        with counting() as statements:
            response = client.get(url)
            assert response.status_code == 200, url
            response.get_data()  # streamed bodies run their queries while being read
        counts[url] = len(statements)
    return counts


def add_reviews(session, n: int) -> None:
    """n more reviews in FY2021 across England: types, themes, closures, decisions and updates."""
    actor = system_actor(scope_for_code(session, "ENG"), name="bulk")
    orgs = ["93C", "72Q", "52R", "02Q", "02P", "36L"]
    for i in range(n):
        added = date(2021, 4, 5) + timedelta(days=9 * i)
        org = orgs[i % len(orgs)]
        if i % 3 == 0:
            review = make_review(session, local_identifier=f"BULK-{i}", review_type="RAPID", organisation_code=org,
                                 date_added=added, incident_date=added, notification_date=added,
                                 themes=["WT_NEGLECT", "TH_SUDI"], media_interest=bool(i % 2))
            decide_rapid_review(session, review=review, outcome=[RapidOutcome.CSPR, RapidOutcome.NO_FURTHER_REVIEW][
                i % 2], decision_date=added + timedelta(days=20), actor=actor, now=NOW, expected_version=None,
                                new_local_identifier=f"BULK-{i}-C")
        else:
            extra = {"signed_off_date": added + timedelta(days=60), "publication_status": "public",
                     "publication_date": added + timedelta(days=70), "report_url": "https://example.org/x",
                     "learning_1": "Learning.", "recommendations": "Recommendations."} if i % 2 else {}
            review = make_review(session, local_identifier=f"BULK-{i}", review_type="DHR" if i % 4 else "SAR_MANDATORY",
                                 organisation_code=org, date_added=added, incident_date=added,
                                 themes=["CA_DOMESTIC", "TH_MENTAL_HEALTH", "CA_NEGLECT"], **extra)
            add_update(session, review=review, text="Progress noted.", entry_date=added + timedelta(days=3),
                       actor=actor, now=NOW, expected_version=None)
        session.commit()


def test_queries_do_not_grow_with_the_number_of_reviews(client, session, reviews):
    sign_in(client, "national")
    before = measure(client)
    add_reviews(session, 36)
    after = measure(client)
    assert after == before
    for url, most in MOST.items():
        assert before[url] <= most, (url, before[url])
    print("SQL statements per request:", before)
