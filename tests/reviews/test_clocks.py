"""Clocks: working days with real bank holidays, each clock's due date and RAG, and the SQL filters."""

from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select

from app.reviews.calendar import working_days
from app.reviews.clock_queries import due_within_condition, overdue_condition
from app.reviews.clocks import CLOCK_KINDS, review_clocks, worst_rag
from app.reviews.models import Review
from app.timezone import london_today
from config.clocks import CLOCKS

CAL = working_days()


def facts(**overrides):
    values = dict(status="open", review_type="SAR_MANDATORY", date_added=date(2026, 5, 1), notification_date=None,
                  decision_date=None, latest_update_on=None, signed_off_date=None, publication_status=None,
                  embargo_review_date=None)
    values.update(overrides)
    return SimpleNamespace(**values)


def by_kind(review, today):
    return {c.kind: c for c in review_clocks(review, today=today, config=CLOCKS)}


def test_bank_holidays_come_from_the_library():
    assert CAL.holiday_name(date(2025, 12, 25)) == "Christmas Day"
    assert CAL.holiday_name(date(2026, 12, 28)) is not None  # Boxing Day 2026 is a Saturday: substitute Monday
    assert not CAL.is_working_day(date(2026, 4, 3)) and not CAL.is_working_day(date(2026, 4, 6))  # Easter
    assert CAL.is_working_day(date(2026, 4, 7))


def test_fifteen_working_days_over_christmas_and_new_year():
    assert CAL.add_working_days(date(2025, 12, 19), 15) == date(2026, 1, 14)


def test_fifteen_working_days_over_easter():
    assert CAL.add_working_days(date(2026, 4, 1), 15) == date(2026, 4, 24)


def test_working_days_between_counts_after_start_up_to_end():
    assert CAL.working_days_between(date(2026, 4, 1), date(2026, 4, 24)) == 15
    assert CAL.working_days_between(date(2026, 4, 24), date(2026, 4, 1)) == -15


def test_rapid_review_clock_counts_working_days_and_turns_red_when_overdue():
    review = facts(review_type="RAPID", notification_date=date(2026, 4, 1))
    due = by_kind(review, date(2026, 4, 20))["rapid_review_due"]
    assert due.due == date(2026, 4, 24) and due.rag == "amber" and due.working_days_left == 4
    assert by_kind(review, date(2026, 4, 1))["rapid_review_due"].rag == "green"
    late = by_kind(review, date(2026, 4, 27))["rapid_review_due"]
    assert late.rag == "red" and late.overdue and late.summary == "1 working day overdue"
    assert "rapid_review_due" not in by_kind(facts(review_type="RAPID", notification_date=date(2026, 4, 1),
                                                   decision_date=date(2026, 4, 20)), date(2026, 5, 1))


def test_stale_clock_counts_from_the_latest_update_else_date_added():
    assert by_kind(facts(), date(2026, 5, 2))["stale"].due == date(2026, 5, 29)
    assert by_kind(facts(latest_update_on=date(2026, 6, 1)), date(2026, 6, 2))["stale"].due == date(2026, 6, 29)


def test_sign_off_expected_six_months_after_date_added_by_type():
    assert by_kind(facts(review_type="DHR", date_added=date(2026, 2, 28)), date(2026, 3, 1))[
        "sign_off_expected"].due == date(2026, 8, 28)
    assert by_kind(facts(review_type="CSPR", date_added=date(2025, 8, 31)), date(2025, 9, 1))[
        "sign_off_expected"].due == date(2026, 2, 28)
    assert "sign_off_expected" not in by_kind(facts(review_type="OTHER"), date(2026, 5, 2))
    assert "sign_off_expected" not in by_kind(facts(signed_off_date=date(2026, 6, 1)), date(2026, 6, 2))


def test_publication_chase_thirty_days_after_sign_off():
    clocks = by_kind(facts(signed_off_date=date(2026, 6, 1)), date(2026, 7, 2))
    assert clocks["publication_chase"].due == date(2026, 7, 1) and clocks["publication_chase"].rag == "red"


def test_clocks_stop_when_the_review_closes_except_the_embargo_review():
    closed = facts(status="closed", signed_off_date=date(2026, 6, 1), publication_status="embargoed",
                   embargo_review_date=date(2026, 12, 1))
    clocks = by_kind(closed, date(2026, 11, 25))
    assert set(clocks) == {"embargo_review"} and clocks["embargo_review"].rag == "amber"
    published = facts(status="closed", signed_off_date=date(2026, 6, 1), publication_status="public")
    assert review_clocks(published, today=date(2026, 11, 25), config=CLOCKS) == []
    assert worst_rag([]) is None


def test_the_tracker_day_is_the_day_in_england_across_summer_time_changes():
    assert london_today(datetime(2026, 3, 28, 23, 30, tzinfo=UTC)) == date(2026, 3, 28)  # GMT
    assert london_today(datetime(2026, 3, 29, 23, 30, tzinfo=UTC)) == date(2026, 3, 30)  # BST
    assert london_today(datetime(2026, 10, 24, 23, 30, tzinfo=UTC)) == date(2026, 10, 25)  # BST
    assert london_today(datetime(2026, 10, 25, 23, 30, tzinfo=UTC)) == date(2026, 10, 25)  # GMT again


review_facts = st.builds(
    dict,
    status=st.sampled_from(["open", "open", "closed"]),
    review_type=st.sampled_from(["SAR_MANDATORY", "DHR", "CSPR", "RAPID", "OTHER"]),
    date_added=st.dates(date(2024, 1, 1), date(2026, 11, 1)),
    notify_gap=st.integers(0, 40),
    decided=st.booleans(),
    update_gap=st.one_of(st.none(), st.integers(0, 200)),
    signed_gap=st.one_of(st.none(), st.integers(0, 300)),
    publication=st.sampled_from([None, None, "public", "embargoed"]),
    embargo_gap=st.integers(-30, 60),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(review_facts, min_size=1, max_size=12), today=st.dates(date(2024, 6, 1), date(2027, 6, 1)),
       within=st.integers(0, 40))
def test_sql_clock_filters_agree_with_the_clock_rules(session, rows, today, within):
    """Every clock's 'overdue' and 'due within N days' SQL filter selects exactly what review_clocks says."""
    session.execute(delete(Review))
    reviews = []
    for n, r in enumerate(rows):
        added = r["date_added"]
        rapid = r["review_type"] == "RAPID"
        signed = added + timedelta(days=r["signed_gap"]) if r["signed_gap"] is not None and not rapid else None
        review = Review(
            status=r["status"], review_type=r["review_type"], date_added=added, organisation_code="93C",
            recorded_organisation_name="x", recorded_icb_code="QMJ", recorded_icb_name="x",
            recorded_region_code="Y56", recorded_region_name="x", recorded_vintage=date(2023, 4, 1),
            dp_initials="AB", local_identifier=f"P-{n}",
            notification_date=added - timedelta(days=r["notify_gap"]) if rapid else None,
            decision_date=added + timedelta(days=3) if rapid and r["decided"] else None,
            latest_update_on=added + timedelta(days=r["update_gap"]) if r["update_gap"] is not None else None,
            signed_off_date=signed,
            publication_status=r["publication"] if signed else None,
            embargo_review_date=(signed + timedelta(days=r["embargo_gap"]))
            if signed and r["publication"] == "embargoed" else None,
        )
        session.add(review)
        reviews.append(review)
    session.flush()
    for kind in CLOCK_KINDS:
        expect_overdue, expect_within = set(), set()
        for review in reviews:
            clock = by_kind(review, today).get(kind)
            if clock and clock.days_left < 0:
                expect_overdue.add(review.id)
            if clock and 0 <= clock.days_left <= within:
                expect_within.add(review.id)
        got_overdue = set(session.scalars(select(Review.id).where(overdue_condition(kind, today=today, config=CLOCKS))))
        got_within = set(session.scalars(
            select(Review.id).where(due_within_condition(kind, today=today, days=within, config=CLOCKS))))
        assert got_overdue == expect_overdue, kind
        assert got_within == expect_within, kind
    session.rollback()


@pytest.mark.parametrize("kind", CLOCK_KINDS)
def test_every_clock_kind_has_a_label_and_config(kind):
    assert kind in CLOCKS


@settings(max_examples=300, deadline=None)
@given(st.dates(min_value=date(2015, 1, 1), max_value=date(2032, 12, 31)),
       st.dates(min_value=date(2015, 1, 1), max_value=date(2032, 12, 31)))
def test_working_days_between_agrees_with_walking_the_calendar_day_by_day(start, end):
    lo, hi = sorted((start, end))
    walked = sum(1 for n in range(1, (hi - lo).days + 1) if CAL.is_working_day(lo + timedelta(days=n)))
    assert CAL.working_days_between(start, end) == (walked if end >= start else -walked)
