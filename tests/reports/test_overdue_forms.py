"""A past day's overdue counts are read in SQL for reviews untouched since the as-at day and in Python for the rest
(app/reports/overdue.py): the sum is exactly what the clocks' Python form gives over every review's facts."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from app.demo.data import load_demo_data
from app.orgs.scope import scope_for_code
from app.people.actor import system_actor
from app.reports.facts_sql import FactsNotInSql, cutoff, facts_condition, facts_on_day
from app.reports.overdue import _sql_counts, overdue_counts, overdue_review_ids
from app.reports.periods import QUARTER, recent_periods
from app.reports.request import prepare_request
from app.reviews.models import Review
from config.clocks import CLOCKS
from tests.reports.test_as_at import change_everything_after_the_period

TODAY = date(2026, 12, 3)


def python_only(session, request) -> dict[str, int]:
    return {kind: len(ids) for kind, ids in overdue_review_ids(session, request, CLOCKS).items()}


def ask(session, period, scope, geography="recorded", as_at=None):
    actor = system_actor(scope_for_code(session, "ENG"), name="forms")
    return prepare_request(session, actor=actor, period=period, scope_code=scope, geography=geography, today=TODAY,
                           as_at=as_at)


def test_both_forms_agree_after_later_changes(session, reviews):
    change_everything_after_the_period(session, reviews)
    for period, scope, geography in (("2021-Q3", "Y56", "recorded"), ("FY2021", "ENG", "current"),
                                     ("2022-Q1", "Y56", "recorded"), ("2021-11", "QMJ", "recorded")):
        for as_at in (None, date(2026, 11, 26), date(2026, 12, 1)):
            request = ask(session, period, scope, geography, as_at)
            assert overdue_counts(session, request, clocks=CLOCKS) == python_only(session, request), (
                period, scope, as_at)


def test_both_forms_agree_on_every_quarter_of_the_demo_data(session):
    load_demo_data(session, now=datetime(2026, 12, 3, 10, 0, tzinfo=UTC))
    session.commit()
    checked = in_sql = 0
    for period in recent_periods(QUARTER, TODAY, back_to=date(2021, 4, 1)):
        if period.end >= TODAY:
            continue
        for scope, as_at in (("ENG", None), ("Y63", None), ("ENG", TODAY), ("Y60", TODAY)):
            request = ask(session, period, scope, as_at=as_at)
            counts = overdue_counts(session, request, clocks=CLOCKS)
            assert counts == python_only(session, request), (period.code, scope, as_at)
            checked += counts["any"]
            in_sql += _sql_counts(session, request, CLOCKS)["any"]
    # the demo has overdue clocks to compare, and most are read in SQL (unchanged since their cut-off)
    assert checked > 100 and in_sql > checked / 2


def test_a_condition_on_a_column_the_facts_lack_is_refused(session):
    facts = facts_on_day(Review.id > 0, day=date(2022, 3, 31), read_at=cutoff(date(2022, 3, 31)))
    with pytest.raises(FactsNotInSql, match="overview"):
        facts_condition(Review.overview.is_not(None), facts)
