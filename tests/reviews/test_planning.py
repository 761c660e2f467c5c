"""One "plan the change" step for every save (app/reviews/planning.py): one explicit version increment per save,
updated_at from the service's `now`, the collection's window, and "to complete" only where the import asks."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.orgs.scope import scope_for_code
from app.people.actor import Actor, system_actor
from app.reviews import actions
from app.reviews.models import Review
from app.reviews.planning import Tolerance, missing_fields
from app.reviews.recommendations import add_action
from app.reviews.service import ReviewRejected, create_review, input_from_review, update_review
from app.reviews.timeline import add_update
from app.reviews.types import RapidOutcome
from tests.support.reviews import NOW, make_review, review_input

LATER = NOW + timedelta(hours=3)


def national(session) -> Actor:
    return system_actor(scope_for_code(session, "ENG"), name="planning test")


def versions(session, review) -> list[int]:
    """The review_version of each of the review's audit events, oldest first."""
    return list(session.scalars(select(AuditEvent.review_version).where(AuditEvent.review_id == review.id)
                                .order_by(AuditEvent.id)))


def test_every_save_raises_the_version_by_exactly_one_and_stamps_the_services_now(session):
    actor = national(session)
    review = make_review(session)
    assert (review.version, review.updated_at) == (1, NOW)
    data = input_from_review(review)
    data.themes, data.overview = ["CA_FINANCIAL", "CA_SELF_NEGLECT"], "Themes and text both change."
    update_review(session, review=review, expected_version=1, data=data, actor=actor, now=LATER)  # themes: 2 flushes
    session.commit()
    assert (review.version, review.updated_at) == (2, LATER)
    add_update(session, review=review, text="Panel met.", entry_date=date(2026, 11, 1), actor=actor, now=LATER,
               expected_version=2)
    session.commit()
    assert review.version == 3
    actions.snooze_reminders(session, review=review, until=date(2027, 1, 5), reason="awaiting the inquest",
                             actor=actor, now=LATER, expected_version=3)
    session.commit()
    assert review.version == 4
    data = input_from_review(review)
    data.signed_off_date, data.publication_date, data.publication_status = (date(2026, 10, 1), date(2026, 10, 20),
                                                                            "public")
    update_review(session, review=review, expected_version=4, data=data, actor=actor, now=LATER)  # closes it
    session.commit()
    actions.reopen_review(session, review=review, reason="new information from the coroner", actor=actor, now=LATER,
                          expected_version=5)
    session.commit()
    actions.close_review(session, review=review, actor=actor, now=LATER, expected_version=6)
    session.commit()
    add_action(session, review=review, recommendation="Share information early.", owner_organisation="ICB",
               target_date=None, status="not started", evidence=None, actor=actor, now=LATER, expected_version=7)
    session.commit()
    assert review.version == 8 and review.updated_at == LATER
    # create, edit, update, snooze, edit (+ its status change, the same save), reopen, close, action
    assert versions(session, review) == [1, 2, 3, 4, 5, 5, 6, 7, 8]


def test_a_review_that_closes_as_it_is_created_is_one_save(session):
    review = make_review(session, signed_off_date=date(2026, 3, 1), publication_date=date(2026, 4, 1),
                         publication_status="public")
    assert (review.status, review.version) == ("closed", 1) and versions(session, review) == [1, 1]


def test_a_decision_is_one_save_of_the_rapid_review(session):
    rapid = make_review(session, review_type="RAPID", notification_date=date(2026, 10, 1), incident_date=None,
                        themes=["WT_NEGLECT"], date_added=date(2026, 10, 1))
    actions.decide_rapid_review(session, review=rapid, outcome=RapidOutcome.CSPR, decision_date=date(2026, 10, 20),
                                actor=national(session), now=LATER, expected_version=1)
    session.commit()
    assert (rapid.version, rapid.updated_at, rapid.converted_to.version) == (2, LATER, 1)


@pytest.mark.parametrize(("overrides", "field", "words"), [
    ({"date_added": date(1900, 1, 1), "incident_date": None}, "date_added", "cannot be before 13 April 2011"),
    ({"date_added": date(2011, 4, 12), "incident_date": None}, "date_added", "cannot be before 13 April 2011"),
    ({"incident_date": date(1999, 12, 31)}, "incident_date", "cannot be before 1 January 2000"),
    ({"date_added": date(2020, 5, 1), "incident_date": None, "signed_off_date": date(2020, 12, 1),
      "publication_date": date(2021, 3, 31), "publication_status": "public"}, "date_added",
     "closed before 1 April 2021"),
])
def test_the_collection_window_refuses_implausible_and_out_of_window_reviews_on_every_path(session, overrides, field,
                                                                                          words):
    with pytest.raises(ReviewRejected) as refused:
        create_review(session, data=review_input(**overrides), actor=national(session), now=NOW)
    assert [v.field for v in refused.value.violations] == [field] and words in refused.value.violations[0].message


def test_older_reviews_still_open_on_1_april_2021_are_recorded_and_may_close_later(session):
    review = make_review(session, date_added=date(2020, 5, 1), incident_date=None)
    data = input_from_review(review)
    data.signed_off_date, data.publication_date, data.publication_status = (date(2021, 3, 1), date(2021, 4, 1),
                                                                            "public")
    update_review(session, review=review, expected_version=1, data=data, actor=national(session), now=NOW)
    assert review.status == "closed"


def test_only_a_caller_that_tolerates_it_saves_a_review_to_complete_and_the_form_completes_it(session):
    actor = national(session)
    data = review_input(review_type="RAPID", incident_date=None, themes=["WT_NEGLECT"], dp_initials=None)
    with pytest.raises(ReviewRejected):
        create_review(session, data=data, actor=actor, now=NOW)
    review = create_review(session, data=data, actor=actor, now=NOW, tolerate=Tolerance())
    session.commit()
    assert missing_fields(review) == ("notification_date", "dp_initials")
    edit = input_from_review(review)
    edit.notification_date = date(2025, 6, 2)
    with pytest.raises(ReviewRejected) as refused:  # the form requires what is still missing
        update_review(session, review=review, expected_version=1, data=edit, actor=actor, now=LATER)
    assert [v.field for v in refused.value.violations] == ["dp_initials"]
    edit.dp_initials = "AB"
    update_review(session, review=review, expected_version=1, data=edit, actor=actor, now=LATER)
    session.commit()
    assert (review.to_complete, review.version) == (None, 2)
    assert session.scalar(select(Review.to_complete).where(Review.id == review.id)) is None


def test_the_wall_clock_never_stamps_a_review(session):
    review = make_review(session, now=datetime(2025, 7, 2, 3, 4, tzinfo=UTC))
    session.commit()
    session.expire_all()
    assert session.get(Review, review.id).updated_at == datetime(2025, 7, 2, 3, 4, tzinfo=UTC)
