"""Lifecycle: status follows the record; rapid reviews convert or close; reopening needs a national admin."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.orgs.scope import scope_for_code
from app.people.actor import Actor, NotAllowed
from app.reviews import actions, recommendations
from app.reviews.models import Review
from app.reviews.rules import ReviewInput
from app.reviews.service import ReviewRejected, create_review, input_from_review, update_review
from app.reviews.types import RapidOutcome
from tests.support.reviews import NOW, make_review, review_input


def actor(session, role="designated_professional", scope="QMJ"):
    return Actor(user_id=None, email=f"{role}@example.com", role=role, scope=scope_for_code(session, scope))


def edit(session, review, who=None, **changes) -> Review:
    data = input_from_review(review)
    for k, v in changes.items():
        setattr(data, k, v)
    update_review(session, review=review, expected_version=review.version, data=data, actor=who or actor(session),
                  now=NOW)
    session.commit()
    return review


def transitions(session, review):
    return [(e.changes["status"], e.detail) for e in session.scalars(
        select(AuditEvent).where(AuditEvent.review_id == review.id, AuditEvent.action == "review.status")
        .order_by(AuditEvent.id))]


def test_a_new_review_is_open(session):
    review = make_review(session)
    assert review.status == "open" and review.closed_on is None


def test_signed_off_and_published_closes_the_review(session):
    review = make_review(session)
    edit(session, review, signed_off_date=date(2026, 3, 1))
    assert review.status == "open"
    edit(session, review, publication_status="public", publication_date=date(2026, 4, 1))
    assert (review.status, review.closed_on) == ("closed", date(2026, 4, 1))
    assert transitions(session, review) == [(["open", "closed"], "report signed off and published")]


def test_embargoed_with_review_date_closes_the_review(session):
    review = make_review(session, signed_off_date=date(2026, 3, 1), publication_status="embargoed",
                         embargo_review_date=date(2027, 3, 1))
    assert (review.status, review.closed_on) == ("closed", date(2026, 3, 1))


def test_a_closed_review_cannot_lose_its_publication_without_reopening(session):
    review = make_review(session, signed_off_date=date(2026, 3, 1), publication_status="public",
                         publication_date=date(2026, 4, 1))
    with pytest.raises(ReviewRejected) as refused:
        edit(session, review, publication_status=None, publication_date=None)
    assert "ask a national admin to reopen it" in refused.value.violations[0].message
    session.rollback()
    assert session.get(Review, review.id).publication_status == "public"


def test_only_a_national_admin_reopens_and_a_reason_is_required(session):
    review = make_review(session, signed_off_date=date(2026, 3, 1), publication_status="public",
                         publication_date=date(2026, 4, 1))
    with pytest.raises(NotAllowed):
        actions.reopen_review(session, review=review, reason="new information", actor=actor(session), now=NOW,
                              expected_version=review.version)
    national = actor(session, "national_admin", "ENG")
    with pytest.raises(ReviewRejected):
        actions.reopen_review(session, review=review, reason="  ", actor=national, now=NOW,
                              expected_version=review.version)
    actions.reopen_review(session, review=review, reason="coroner's new findings", actor=national, now=NOW,
                          expected_version=review.version)
    session.commit()
    assert (review.status, review.closed_on) == ("open", None)
    assert transitions(session, review)[-1] == (["closed", "open"], "reopened: coroner's new findings")
    # Unchanged facts do not close it again on the next edit; the explicit close action does.
    edit(session, review, overview="Additional learning identified after reopening.")
    assert review.status == "open"
    actions.close_review(session, review=review, actor=actor(session), now=NOW, expected_version=review.version)
    assert review.status == "closed"


def rapid(session, **overrides):
    return make_review(session, review_type="RAPID", notification_date=date(2026, 10, 1),
                       date_added=date(2026, 10, 2), incident_date=date(2026, 9, 30), local_identifier="RR-2026-015",
                       steis_number="2026/12345", themes=["WT_NEGLECT", "TH_SUDI"], **overrides)


def test_rapid_review_converts_to_a_prefilled_linked_review(session):
    review = rapid(session)
    created = actions.decide_rapid_review(session, review=review, outcome=RapidOutcome.CSPR,
                                          decision_date=date(2026, 10, 20), actor=actor(session), now=NOW,
                                          expected_version=review.version)
    session.commit()
    assert (review.status, review.rapid_outcome, review.decision_date, review.closed_on) == (
        "converted", "CSPR", date(2026, 10, 20), date(2026, 10, 20))
    assert review.converted_to_id == created.id and created.converted_from == [review]
    assert (created.review_type, created.status, created.date_added) == ("CSPR", "open", date(2026, 10, 20))
    assert (created.organisation_code, created.steis_number, created.theme_codes, created.incident_date) == (
        "93C", "2026/12345", ["WT_NEGLECT", "TH_SUDI"], date(2026, 9, 30))
    assert created.local_identifier == "RR-2026-015-CSPR" and created.notification_date is None
    assert transitions(session, review) == [(["open", "converted"], "rapid review converted to CSPR")]


def test_rapid_review_closes_with_no_further_review(session):
    review = rapid(session)
    created = actions.decide_rapid_review(session, review=review, outcome=RapidOutcome.NO_FURTHER_REVIEW,
                                          decision_date=date(2026, 10, 20), actor=actor(session), now=NOW,
                                          expected_version=review.version)
    assert created is None and review.status == "closed" and review.converted_to_id is None


@pytest.mark.parametrize(("decided", "words"), [(date(2026, 9, 1), "before the notification date"),
                                                (date(2026, 12, 1), "cannot be in the future")])
def test_rapid_review_decision_date_rules(session, decided, words):
    review = rapid(session)
    with pytest.raises(ReviewRejected) as refused:
        actions.decide_rapid_review(session, review=review, outcome=RapidOutcome.CSPR, decision_date=decided,
                                    actor=actor(session), now=NOW, expected_version=review.version)
    assert words in refused.value.violations[0].message


def test_only_rapid_reviews_are_decided(session):
    review = make_review(session)
    with pytest.raises(ReviewRejected):
        actions.decide_rapid_review(session, review=review, outcome=RapidOutcome.CSPR, decision_date=date(2026, 1, 1),
                                    actor=actor(session), now=NOW, expected_version=review.version)


def test_status_cannot_be_typed(session):
    assert "status" not in ReviewInput.field_names()


def test_a_review_stores_the_hierarchy_as_recorded_for_its_date_added(session):
    before = make_review(session, organisation_code="02Q", date_added=date(2022, 3, 1), incident_date=None)
    after = make_review(session, organisation_code="02Q", date_added=date(2022, 8, 1), incident_date=None)
    assert (before.recorded_icb_code, before.recorded_region_code, before.recorded_region_name) == (
        "QF7", "Y63", "North East and Yorkshire")
    assert (after.recorded_icb_code, after.recorded_region_code) == ("QT1", "Y60")
    assert before.recorded_organisation_name == "NHS Bassetlaw CCG"


def test_organisation_outside_the_scope_is_refused(session):
    with pytest.raises(ReviewRejected) as refused:
        create_review(session, data=review_input(organisation_code="52R"), actor=actor(session), now=NOW)
    assert refused.value.violations[0].message == "Organisation is outside your scope."


def test_duplicate_local_identifier_in_the_same_organisation_is_refused(session):
    make_review(session, local_identifier="DUP-1")
    with pytest.raises(ReviewRejected) as refused:
        make_review(session, local_identifier="DUP-1")
    assert "already used by review" in refused.value.violations[0].message
    session.rollback()
    assert make_review(session, local_identifier="DUP-1", organisation_code="52R").id


def test_clock_days_use_the_london_date(session):
    late_evening = datetime(2026, 3, 29, 23, 30, tzinfo=UTC)  # already 30 March in London (BST)
    review = make_review(session, date_added=date(2026, 3, 30), incident_date=None, now=late_evening)
    assert review.date_added == date(2026, 3, 30)


def test_recommendations_are_tracked_as_actions_after_publication(session):
    unpublished = make_review(session)
    with pytest.raises(ReviewRejected) as refused:
        recommendations.add_action(session, review=unpublished, recommendation="Share records",
                                   owner_organisation="ICB", target_date=None, status="not started", evidence=None,
                                   actor=actor(session), now=NOW, expected_version=None)
    assert "once the report is published" in refused.value.violations[0].message
    review = make_review(session, signed_off_date=date(2026, 3, 1), publication_status="public",
                         publication_date=date(2026, 4, 1))
    action = recommendations.add_action(
        session, review=review, recommendation="GPs record who else lives in the home.",
        owner_organisation="NHS North Central London ICB", target_date=date(2026, 12, 31), status="not started",
        evidence=None, actor=actor(session), now=NOW, expected_version=review.version)
    session.commit()
    recommendations.update_action(session, review=review, action_id=action.id, status="completed",
                                  evidence="Audit of 50 records in October.", target_date=date(2026, 12, 31),
                                  actor=actor(session), now=NOW, expected_version=review.version)
    session.commit()
    assert (action.status, action.evidence) == ("completed", "Audit of 50 records in October.")
    events = session.scalars(select(AuditEvent).where(AuditEvent.action == "review.recommendation")).all()
    assert [e.detail for e in events] == ["recommendation tracked as an action", "recommendation action updated"]
    with pytest.raises(ReviewRejected) as refused:
        recommendations.update_action(session, review=review, action_id=action.id, status="done-ish", evidence=None,
                                      target_date=None, actor=actor(session), now=NOW, expected_version=None)
    assert "Status must be one of" in refused.value.violations[0].message
