"""Done when (issue 11): reviews reopened, closed again, corrected, updated, decided and deleted after a period
ends leave that period's report and extract byte-identical as at the period's end; as at today they show the
corrections. The data set was entered on 25 November 2026 (tests/reports/dataset.py); the changes below are made
on later days."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from app.orgs.scope import scope_for_code
from app.people.actor import system_actor
from app.reports.request import prepare_request
from app.reports.service import build_report
from app.reviews import actions
from app.reviews.models import Review
from app.reviews.service import delete_review, input_from_review, update_review
from app.reviews.timeline import add_update
from app.reviews.types import RapidOutcome
from config.clocks import CLOCKS
from config.reports import REPORTS
from tests.reports.support import flow, measures
from tests.support.reviews import NOW, partnership_for
from tests.support.web import sign_in

REPORTS_ASKED = ["period=2021-Q3&scope=Y56&geography=recorded", "period=FY2021&scope=ENG&geography=current",
                 "period=2021-11&scope=QMJ&geography=recorded"]
TABLES = ("flow", "areas", "rapid", "themes", "overdue", "media", "trend", "learning")
LATER, LATEST = NOW + timedelta(days=2), NOW + timedelta(days=5)  # 27 and 30 November 2026


def files(client) -> dict[str, bytes]:
    """Every file a user can download for the reports asked (tables, workbook, charts, extract in each format)."""
    out = {}
    for query in REPORTS_ASKED:
        for key in TABLES:
            out[f"{key}.csv {query}"] = client.get(f"/admin/reports/download/{key}.csv?{query}").data
        out[f"all.xlsx {query}"] = client.get(f"/admin/reports/download/all.xlsx?{query}").data
        out[f"trend.svg {query}"] = client.get(f"/admin/reports/chart/trend.svg?{query}").data
        for fmt in ("csv", "zip", "xlsx"):
            response = client.get(f"/admin/reports/extract.{fmt}?{query}")
            assert response.status_code == 200, (fmt, query)
            out[f"extract.{fmt} {query}"] = response.data
    return out


def edit(session, review: Review, *, now, **changes) -> None:
    data = input_from_review(review)
    for name, value in changes.items():
        setattr(data, name, value)
    update_review(session, review=review, expected_version=None, data=data, actor=national(session), now=now)


def national(session):
    return system_actor(scope_for_code(session, "ENG"), name="as-at-test")


def change_everything_after_the_period(session, reviews) -> None:
    """Reopen, close again, correct, update, decide and delete, on 27 and 30 November 2026."""
    actor = national(session)
    actions.reopen_review(session, review=reviews["O1"], reason="Report withdrawn for a correction", actor=actor,
                          now=LATER, expected_version=None)
    actions.close_review(session, review=reviews["O1"], actor=actor, now=LATEST, expected_version=None)
    actions.reopen_review(session, review=reviews["L7"], reason="New information from the police", actor=actor,
                          now=LATER, expected_version=None)
    # A correction dated inside the period: L10 was in fact published on 1 December 2021.
    edit(session, reviews["L10"], now=LATER, publication_status="public", publication_date=date(2021, 12, 1),
         report_url="https://example.org/l10", overview="Corrected overview.", themes=["CA_FINANCIAL", "CA_NEGLECT"])
    edit(session, reviews["L1"], now=LATER, publication_date=date(2021, 12, 20), learning_1="Rewritten learning.")
    edit(session, reviews["L3"], now=LATER, review_type="SAR_MANDATORY",
         partnership_id=partnership_for("SAR_MANDATORY"), media_interest=False, dp_initials="ZZ")
    add_update(session, review=reviews["L9"], text="Panel convened (recorded late).", entry_date=date(2021, 12, 15),
               actor=actor, now=LATER, expected_version=None)
    actions.decide_rapid_review(session, review=reviews["L9"], outcome=RapidOutcome.NO_FURTHER_REVIEW,
                                decision_date=date(2021, 12, 20), actor=actor, now=LATEST, expected_version=None)
    delete_review(session, review=reviews["N1"], expected_version=None, actor=actor, now=LATEST)
    session.commit()


def test_the_period_reads_the_same_as_at_its_end_whatever_happens_later(client, session, reviews):
    sign_in(client, "national")
    before = files(client)
    change_everything_after_the_period(session, reviews)
    after = files(client)
    assert list(after) == list(before)
    changed = [name for name in before if before[name] != after[name]]
    assert changed == []
    assert b"RPT-N1" in before["extract.csv period=FY2021&scope=ENG&geography=current"]  # deleted since: still there
    # The same downloads as at a day after the changes do show them.
    for query in REPORTS_ASKED:
        for name in ("flow.csv", "extract.csv"):
            url = (f"/admin/reports/download/{name}?{query}&as_at=2026-12-01" if name == "flow.csv"
                   else f"/admin/reports/{name}?{query}&as_at=2026-12-01")
            assert client.get(url).data != before[f"{name} {query}"], (name, query)


def test_as_at_today_the_same_period_shows_the_corrections(session, reviews):
    change_everything_after_the_period(session, reviews)
    actor = national(session)

    def report(as_at):
        request = prepare_request(session, actor=actor, period="2021-Q3", scope_code="Y56", geography="recorded",
                                  today=date(2026, 12, 1), as_at=as_at)
        return build_report(session, request, clocks=CLOCKS, settings=REPORTS, now=LATEST)

    then, now = report(None), report(date(2026, 12, 1))
    assert then.request.as_at == date(2021, 12, 31) and now.request.as_of == date(2021, 12, 31)
    assert flow(then)["SAR"] == (3, 0, 2, 1)  # O1, L1 close; L10 open (as the tracker held it then)
    # Today's records: L10 was published on 1 December 2021; L3 is a SAR now (no longer a CSPR). The reopenings
    # and O1's second closing are dated 27 and 30 November 2026: outside the period.
    assert flow(now)["SAR"] == (3, 1, 3, 1)
    assert flow(now)["CSPR"] == (0, 1, 0, 1)
    assert measures(then, "rapid")["Awaiting a decision at end"] == 2  # L8, L9
    assert measures(now, "rapid")["Awaiting a decision at end"] == 1  # L9 decided on 20 December 2021, recorded late
    assert measures(then, "overdue")["Update due (stale after no update)"] == 3  # L6c, L9, L10
    assert measures(now, "overdue")["Update due (stale after no update)"] == 1  # L6c (L9 decided, L10 published)
    learning_then = {r[1]: r for r in then["learning"].rows}
    learning_now = {r[1]: r for r in now["learning"].rows}
    assert (learning_then["RPT-L1"][5], learning_then["RPT-L1"][7]) == (date(2021, 10, 15),
                                                                         "Share information earlier.")
    assert learning_now["RPT-L1"][5] == date(2021, 12, 20) and learning_now["RPT-L1"][7] == "Rewritten learning."
    assert "RPT-L10" in learning_now and "RPT-L10" not in learning_then


def test_a_later_reopening_shows_in_the_period_it_happens(session, reviews):
    change_everything_after_the_period(session, reviews)
    actor = national(session)
    request = prepare_request(session, actor=actor, period="2026-11", scope_code="ENG", geography="recorded",
                              today=date(2026, 12, 1))
    report = build_report(session, request, clocks=CLOCKS, settings=REPORTS, now=LATEST)
    start, opened, reopened, closed, end = flow(report, reopened=True)["Total"]
    assert (reopened, closed) == (2, 1)  # O1 and L7 reopened on 27 November; O1 closed again on 30 November
    assert end == start + opened + reopened - closed
    o1 = session.scalar(select(Review).where(Review.local_identifier == "RPT-O1"))
    assert o1.status == "closed"
