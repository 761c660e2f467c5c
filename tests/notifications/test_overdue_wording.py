"""Issue 13: the weekly digest, the dashboard and the reports say "overdue" the same way: one count of reviews with
an overdue clock (app/reports/overdue.py), named the same everywhere; where clocks are listed, they are clocks."""

from __future__ import annotations

import pytest

from app.orgs.scope import scope_for_code
from app.people.actor import system_actor
from app.reports.dashboard import board_request, build_dashboard
from app.reports.metrics import overdue_clocks
from app.reports.overdue import ANY_LABEL, REVIEWS_OVERDUE, overdue_counts
from app.reports.request import prepare_request
from app.timezone import london_today
from tests.notifications import dataset
from tests.support.services import by_recipient, html_of, text_of

NOW = dataset.NOW
TODAY = london_today(NOW)


@pytest.fixture
def reviews(session):
    return dataset.build(session)


def test_the_weekly_digest_counts_reviews_with_an_overdue_clock_as_the_dashboard_and_report_do(
        session, reviews, jobs, smtp, settings):
    scope = scope_for_code(session, "QMJ")
    dashboard = build_dashboard(session, scope=scope, today=TODAY, clocks=settings.clocks).overdue["any"]
    actor = system_actor(scope, name="wording")
    report = prepare_request(session, actor=actor, period=f"{TODAY:%Y-%m}", scope_code="QMJ", geography="current",
                             today=TODAY)
    table = overdue_clocks(session, report, clocks=settings.clocks)
    assert table.title.startswith(REVIEWS_OVERDUE) and table.value(ANY_LABEL, "Reviews overdue") == dashboard
    assert dashboard == overdue_counts(session, board_request(scope, TODAY, TODAY), clocks=settings.clocks)["any"]
    assert dashboard >= 2  # the dataset's stale and sign-off reviews in North Central London
    jobs.run("weekly-digest", NOW)
    jobs.deliver()
    smtp.wait_for(2, timeout=10)
    message = by_recipient(smtp)["dp.ncl@example.com"][0]
    assert f"{REVIEWS_OVERDUE} today: {dashboard}" in text_of(message)
    assert f"{REVIEWS_OVERDUE.lower()}" in html_of(message)
    assert "overdue clocks:" in text_of(message)  # the sections list clocks, and say so
