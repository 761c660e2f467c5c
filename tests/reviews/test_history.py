"""The status history: every status change kept as dated intervals, written by the lifecycle on every path."""

from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

from sqlalchemy import select

from app.audit.models import AuditEvent
from app.demo.data import load_demo_data
from app.orgs.scope import scope_for_code
from app.people.actor import system_actor
from app.reviews import actions
from app.reviews.history import DIMENSIONS, EVER, Span, StatusInterval, dimensions_of, plan_spans
from app.reviews.models import Review, ReviewTheme
from app.reviews.service import delete_review, input_from_review, update_review
from app.reviews.types import RapidOutcome
from tests.support.reviews import NOW, make_review, partnership_for

D = date
LATER = NOW + timedelta(days=3)  # 28 November 2026
LATER_DAY = D(2026, 11, 28)


def national(session):
    return system_actor(scope_for_code(session, "ENG"), name="history-test")


def rows(session, review_id, *, current_only=False):
    """(status, change, valid_from, valid_to, known_from, known_until) of a review's rows, oldest first."""
    query = select(StatusInterval).where(StatusInterval.review_id == review_id)
    if current_only:
        query = query.where(StatusInterval.known_until.is_(None))
    found = session.scalars(query.order_by(StatusInterval.id)).all()
    return [(r.status, r.change, r.valid_from, r.valid_to, r.known_from, r.known_until) for r in found]


def state(**values):
    base = dict(status="open", review_type="SAR_MANDATORY", date_added=D(2021, 4, 1), closed_on=None,
                decision_date=None, rapid_outcome=None, converted_to_id=None)
    return SimpleNamespace(**{**base, **values})


# --- the rule, pure


def test_a_new_review_opens_on_its_date_added():
    assert plan_spans([], state(), today=D(2026, 1, 5)) == [Span("open", "opened", D(2021, 4, 1))]


def test_a_review_entered_closed_was_open_until_its_closing_date():
    spans = plan_spans([], state(status="closed", closed_on=D(2021, 9, 1)), today=D(2026, 1, 5))
    assert spans == [Span("open", "opened", D(2021, 4, 1), D(2021, 9, 1)), Span("closed", "closed", D(2021, 9, 1))]


def test_a_reopening_is_dated_the_day_it_happens_and_keeps_the_closing():
    closed = plan_spans([], state(status="closed", closed_on=D(2021, 9, 1)), today=D(2021, 9, 3))
    reopened = plan_spans(closed, state(), today=D(2026, 12, 3))
    assert reopened == [Span("open", "opened", D(2021, 4, 1), D(2021, 9, 1)),
                        Span("closed", "closed", D(2021, 9, 1), D(2026, 12, 3)),
                        Span("open", "reopened", D(2026, 12, 3))]
    # Closed again a week later with the old publication date: it closes on the day it is closed again.
    again = plan_spans(reopened, state(status="closed", closed_on=D(2021, 9, 1)), today=D(2026, 12, 10))
    assert again[-2:] == [Span("open", "reopened", D(2026, 12, 3), D(2026, 12, 10)),
                          Span("closed", "closed", D(2026, 12, 10))]
    # An edit on a later day that leaves the closing date alone does not move the closing.
    assert plan_spans(again, state(status="closed", closed_on=D(2021, 9, 1)), today=D(2027, 1, 4)) == again
    # A new publication date after the reopening is the closing date.
    moved = plan_spans(again, state(status="closed", closed_on=D(2026, 12, 8)), today=D(2027, 1, 4))
    assert moved[-1] == Span("closed", "closed", D(2026, 12, 8))


def test_a_rapid_review_decided_before_its_date_added_closes_on_its_date_added():
    decided = state(review_type="RAPID", status="closed", closed_on=D(2022, 3, 30), decision_date=D(2022, 3, 30),
                    rapid_outcome="NFR", date_added=D(2022, 4, 2))
    assert plan_spans([], decided, today=D(2022, 4, 5)) == [
        Span("open", "opened", D(2022, 4, 2), D(2022, 4, 2)),
        Span("closed", "closed", D(2022, 4, 2), None, D(2022, 3, 30), "NFR")]


def test_a_corrected_publication_date_moves_the_first_closing():
    closed = plan_spans([], state(status="closed", closed_on=D(2021, 9, 1)), today=D(2021, 9, 3))
    corrected = plan_spans(closed, state(status="closed", closed_on=D(2021, 10, 1)), today=D(2022, 2, 1))
    assert corrected == [Span("open", "opened", D(2021, 4, 1), D(2021, 10, 1)),
                         Span("closed", "closed", D(2021, 10, 1))]


# --- written by every path, in the same transaction


def test_create_close_reopen_and_reclose_keep_dated_rows(session):
    review = make_review(session, date_added=D(2021, 4, 1), incident_date=D(2021, 3, 1),
                         signed_off_date=D(2021, 8, 1), publication_status="public", publication_date=D(2021, 9, 1))
    assert rows(session, review.id) == [("open", "opened", D(2021, 4, 1), D(2021, 9, 1), EVER, None),
                                        ("closed", "closed", D(2021, 9, 1), None, EVER, None)]
    actions.reopen_review(session, review=review, reason="Report withdrawn for correction", actor=national(session),
                          now=LATER, expected_version=review.version)
    session.commit()
    assert rows(session, review.id) == [
        ("open", "opened", D(2021, 4, 1), D(2021, 9, 1), EVER, None),
        ("closed", "closed", D(2021, 9, 1), None, EVER, LATER_DAY),
        ("closed", "closed", D(2021, 9, 1), LATER_DAY, LATER_DAY, None),
        ("open", "reopened", LATER_DAY, None, LATER_DAY, None)]
    actions.close_review(session, review=review, actor=national(session), now=LATER, expected_version=review.version)
    session.commit()
    # Closed again on the same day: the reopened row recorded today is replaced, not kept as history.
    assert rows(session, review.id, current_only=True)[-2:] == [
        ("open", "reopened", LATER_DAY, LATER_DAY, LATER_DAY, None),
        ("closed", "closed", LATER_DAY, None, LATER_DAY, None)]
    assert review.status == "closed"


def test_reopening_a_no_further_review_decision_keeps_the_decision_in_the_history(session):
    rapid = make_review(session, review_type="RAPID", date_added=D(2021, 11, 1), incident_date=D(2021, 10, 30),
                        notification_date=D(2021, 11, 1), themes=["WT_NEGLECT"])
    actions.decide_rapid_review(session, review=rapid, outcome=RapidOutcome.NO_FURTHER_REVIEW,
                                decision_date=D(2021, 11, 12), actor=national(session), now=NOW,
                                expected_version=rapid.version)
    session.commit()
    actions.reopen_review(session, review=rapid, reason="New information from the police", actor=national(session),
                          now=LATER, expected_version=rapid.version)
    session.commit()
    assert rapid.decision_date is None and rapid.rapid_outcome is None
    closed = session.scalars(select(StatusInterval).where(StatusInterval.review_id == rapid.id,
                                                          StatusInterval.known_until.is_(None),
                                                          StatusInterval.status == "closed")).one()
    assert (closed.decision_date, closed.rapid_outcome, closed.valid_from, closed.valid_to) == (
        D(2021, 11, 12), "NFR", D(2021, 11, 12), LATER_DAY)
    # The audit trail says what the reopening cleared.
    event = session.scalars(select(AuditEvent).where(AuditEvent.review_id == rapid.id,
                                                     AuditEvent.action == "review.status")
                            .order_by(AuditEvent.id.desc())).first()
    assert event.changes["decision_date"] == ["2021-11-12", None] and event.changes["rapid_outcome"] == ["NFR", None]


def test_an_edit_of_a_counted_value_replaces_the_rows_and_keeps_the_old_ones(session):
    review = make_review(session, date_added=D(2021, 4, 1), incident_date=D(2021, 3, 1))
    data = input_from_review(review)
    data.review_type, data.partnership_id = "DHR", partnership_for("DHR")
    update_review(session, review=review, expected_version=review.version, data=data, actor=national(session),
                  now=LATER)
    session.commit()
    held = session.scalars(select(StatusInterval).where(StatusInterval.review_id == review.id)
                           .order_by(StatusInterval.id)).all()
    assert [(r.review_type, r.known_from, r.known_until) for r in held] == [
        ("SAR_MANDATORY", EVER, LATER_DAY), ("DHR", LATER_DAY, None)]
    # An edit of a value no report counts writes nothing.
    data = input_from_review(review)
    data.overview = "Agencies did not share information about risk."
    update_review(session, review=review, expected_version=review.version, data=data, actor=national(session),
                  now=LATER + timedelta(days=1))
    session.commit()
    assert len(rows(session, review.id)) == 2


def test_a_deleted_review_keeps_its_history_until_the_day_it_was_deleted(session):
    review = make_review(session, date_added=D(2021, 4, 1), incident_date=D(2021, 3, 1))
    rid = review.id
    delete_review(session, review=review, expected_version=review.version, actor=national(session), now=LATER)
    session.commit()
    assert rows(session, rid) == [("open", "opened", D(2021, 4, 1), None, EVER, LATER_DAY)]


def test_a_change_on_the_day_the_review_was_entered_is_part_of_how_it_was_entered(session):
    entered = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
    review = make_review(session, now=entered, date_added=D(2021, 4, 1), incident_date=D(2021, 3, 1))
    data = input_from_review(review)
    data.signed_off_date, data.publication_status, data.publication_date = D(2021, 8, 1), "public", D(2021, 9, 1)
    update_review(session, review=review, expected_version=review.version, data=data, actor=national(session),
                  now=entered + timedelta(hours=5))
    session.commit()
    assert rows(session, review.id) == [("open", "opened", D(2021, 4, 1), D(2021, 9, 1), EVER, None),
                                        ("closed", "closed", D(2021, 9, 1), None, EVER, None)]


def test_the_history_agrees_with_every_record_after_the_demo_load_and_later_changes(session):
    """The demo's paths (create, entered closed, decide, convert, reopen), then a deletion, an edit of counted values
    and a re-closing on a later day leave exactly one current row per review, with the record's status, closing
    day, decision and counted values; and none for a review that is gone."""
    load_demo_data(session, now=datetime(2026, 12, 3, 10, 0, tzinfo=UTC))
    session.commit()
    later = datetime(2026, 12, 5, 10, 0, tzinfo=UTC)
    reopenings = select(StatusInterval.review_id).where(StatusInterval.change == "reopened")
    reopened = session.scalars(select(Review).where(Review.id.in_(reopenings)).order_by(Review.id)).first()
    actions.close_review(session, review=reopened, actor=national(session), now=later, expected_version=None)
    edited = session.scalars(select(Review).where(Review.status == "open").order_by(Review.id.desc())).first()
    data = input_from_review(edited)
    data.media_interest, data.themes = not edited.media_interest, ["CA_NEGLECT"]
    update_review(session, review=edited, expected_version=None, data=data, actor=national(session), now=later)
    gone = session.scalars(select(Review).where(Review.status == "closed").order_by(Review.id)).first()
    delete_review(session, review=gone, expected_version=None, actor=national(session), now=later)
    session.commit()
    records = {r.id: r for r in session.scalars(select(Review))}
    themes: dict[int, list[str]] = {}
    for rid, code in session.execute(select(ReviewTheme.review_id, ReviewTheme.theme_code)
                                     .order_by(ReviewTheme.review_id, ReviewTheme.position)):
        themes.setdefault(rid, []).append(code)
    current = session.scalars(select(StatusInterval).where(StatusInterval.known_until.is_(None),
                                                           StatusInterval.valid_to.is_(None))).all()
    every = session.scalars(select(StatusInterval).where(StatusInterval.known_until.is_(None))).all()
    assert sorted(r.review_id for r in current) == sorted(records)  # one current row each, none for a deleted one
    for row in current:
        review = records[row.review_id]
        assert row.status == review.status, review.id
        held = sorted((r for r in every if r.review_id == row.review_id), key=lambda r: r.valid_from)
        assert held[0].change == "opened" and held[0].valid_from == review.date_added, review.id
        if row.status != "open":
            reopenings = [r.valid_from for r in held if r.change == "reopened"]
            if not reopenings:  # the first closing: on its own date, never before the date added
                assert row.valid_from == max(review.closed_on, review.date_added), review.id
            else:  # closed again: on its own date if on or after the reopening, else the day it was closed again
                assert row.valid_from >= reopenings[-1], review.id
                assert row.valid_from == review.closed_on or review.closed_on < reopenings[-1], review.id
        assert dimensions_of(review, themes.get(review.id, [])) == {n: getattr(row, n) for n in DIMENSIONS}, review.id
        if review.review_type == "RAPID" and review.status != "open":
            assert (row.decision_date, row.rapid_outcome) == (review.decision_date, review.rapid_outcome), review.id
    assert sum(1 for r in current if r.change == "reopened") >= 1  # the demo's reopenings are in the history
