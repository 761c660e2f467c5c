"""Every review service enforces scope, permission and the patient-data guard itself, whoever calls it.

The admin screens check too, but a service called directly (the command line, a job, another service, a
future API) must refuse exactly as the screen does, and change nothing.
"""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.orgs.scope import scope_for_code
from app.people.actor import Actor, NotAllowed
from app.reviews import actions, lifecycle, links, recommendations
from app.reviews.export import record_export
from app.reviews.models import RecommendationAction, Review, ReviewLink, ReviewUpdate
from app.reviews.service import ReviewRejected, delete_review, input_from_review, update_review
from app.reviews.timeline import add_update, timeline
from app.reviews.types import RapidOutcome
from config.schedule import NOTIFICATIONS
from tests.support.reviews import NOW, make_review

NHS_NUMBER = "943 476 5919"  # a valid modulus-11 NHS number (the guard's own test value)


def person(session, role="designated_professional", scope="QMJ", user_id=None):
    return Actor(user_id=user_id, email=f"{role}.{scope.lower()}@example.com", role=role,
                 scope=scope_for_code(session, scope))


def audit_count(session, review_id: int) -> int:
    return session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.review_id == review_id))


def closed_review(session, **overrides):
    return make_review(session, signed_off_date=date(2026, 3, 1), publication_status="public",
                       publication_date=date(2026, 4, 1), **overrides)


# --- 1. the patient-data guard on every stored free-text value ---------------------------------------------------

def test_a_snooze_reason_with_an_nhs_number_is_refused_and_nothing_is_saved(session):
    review = make_review(session)
    before = audit_count(session, review.id)
    with pytest.raises(ReviewRejected) as refused:
        actions.snooze_reminders(session, review=review, until=date(2026, 12, 20),
                                 reason=f"Family asked for time (NHS {NHS_NUMBER}).", actor=person(session), now=NOW,
                                 expected_version=review.version)
    session.rollback()
    [violation] = refused.value.violations
    assert violation.field == "reason" and "NHS number" in violation.message and "943" not in violation.message
    session.expire_all()
    assert session.get(Review, review.id).snooze_reason is None
    assert audit_count(session, review.id) == before


def test_a_reopen_reason_with_an_nhs_number_never_reaches_the_append_only_audit_trail(session):
    review = closed_review(session)
    with pytest.raises(ReviewRejected) as refused:
        actions.reopen_review(session, review=review, reason=f"Wrong patient {NHS_NUMBER} linked.",
                              actor=person(session, "national_admin", "ENG"), now=NOW,
                              expected_version=review.version)
    session.rollback()
    assert [v.field for v in refused.value.violations] == ["reason"]
    session.expire_all()
    assert session.get(Review, review.id).status == "closed"
    assert not session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.detail.contains("943")))


def test_a_clean_reopen_reason_is_kept_in_the_audit_trail(session):
    review = closed_review(session)
    actions.reopen_review(session, review=review, reason="Publication date was entered wrongly.",
                          actor=person(session, "national_admin", "ENG"), now=NOW, expected_version=review.version)
    session.commit()
    assert review.status == "open"
    assert session.scalar(select(AuditEvent.detail).where(AuditEvent.review_id == review.id,
                                                          AuditEvent.action == "review.status")
                          .order_by(AuditEvent.id.desc()).limit(1)) == "reopened: Publication date was entered wrongly."


@pytest.mark.parametrize("field", ["recommendation", "owner_organisation", "evidence"])
def test_recommendation_texts_go_through_the_guard(session, field):
    review = closed_review(session)
    values = {"recommendation": "Share chronologies within 10 days.", "owner_organisation": "NCL ICB",
              "evidence": None, field: f"See {NHS_NUMBER}"}
    with pytest.raises(ReviewRejected) as refused:
        recommendations.add_action(session, review=review, target_date=None, status="not started",
                                   actor=person(session),
                                   now=NOW, expected_version=review.version, **values)
    session.rollback()
    assert field in [v.field for v in refused.value.violations]
    assert not session.scalar(select(func.count(RecommendationAction.id)))


# --- 2. scope and permission in every service ---------------------------------------------------------------------

def test_update_review_refuses_an_out_of_scope_review_called_directly(session):
    nottingham = make_review(session, organisation_code="52R", local_identifier="SAR-NOTTS-1")
    data = input_from_review(nottingham)
    data.organisation_code = "93C"
    with pytest.raises(NotAllowed):
        update_review(session, review=nottingham, expected_version=nottingham.version, data=data,
                      actor=person(session, scope="QMJ"), now=NOW)
    session.rollback()
    session.expire_all()
    assert session.get(Review, nottingham.id).organisation_code == "52R"


def test_update_review_refuses_moving_a_review_out_of_the_actors_scope(session):
    review = make_review(session, organisation_code="93C")
    data = input_from_review(review)
    data.organisation_code = "52R"
    with pytest.raises(ReviewRejected) as refused:
        update_review(session, review=review, expected_version=review.version, data=data,
                      actor=person(session, scope="QMJ"), now=NOW)
    session.rollback()
    assert [v.field for v in refused.value.violations] == ["organisation_code"]
    session.expire_all()
    assert session.get(Review, review.id).organisation_code == "93C"


def test_update_review_needs_the_edit_permission(session):
    review = make_review(session)
    data = input_from_review(review)
    data.overview = "A regional lead edits."
    with pytest.raises(NotAllowed):
        update_review(session, review=review, expected_version=review.version, data=data,
                      actor=person(session, "regional_lead", "Y56"), now=NOW)


def out_of_scope_calls(session, review, actor):
    """Every service that reads or changes a review, called on `review` by `actor`."""
    version = review.version
    return {
        "delete": lambda: delete_review(session, review=review, expected_version=version, actor=actor, now=NOW),
        "close": lambda: actions.close_review(session, review=review, actor=actor, now=NOW, expected_version=version),
        "reopen": lambda: actions.reopen_review(session, review=review, reason="x", actor=actor, now=NOW,
                                                expected_version=version),
        "snooze": lambda: actions.snooze_reminders(session, review=review, until=date(2026, 12, 20), reason="x",
                                                   actor=actor, now=NOW, expected_version=version),
        "decide": lambda: actions.decide_rapid_review(session, review=review, outcome=RapidOutcome.NO_FURTHER_REVIEW,
                                                      decision_date=date(2026, 11, 1), actor=actor, now=NOW,
                                                      expected_version=version),
        "add update": lambda: add_update(session, review=review, text="Panel met.", entry_date=None, actor=actor,
                                         now=NOW, expected_version=version),
        "timeline": lambda: timeline(session, review, actor=actor),
        "add action": lambda: recommendations.add_action(
            session, review=review, recommendation="Share chronologies.", owner_organisation="ICB", target_date=None,
            status="not started", evidence=None, actor=actor, now=NOW, expected_version=version),
        "update action": lambda: recommendations.update_action(
            session, review=review, action_id=1, status="completed", evidence=None, target_date=None, actor=actor,
            now=NOW, expected_version=version),
        "link": lambda: links.link_reviews(session, review=review, other=make_review(session), reason="joint",
                                           actor=actor, now=NOW),
        "unlink": lambda: links.unlink_reviews(session, review=make_review(session), other=review, actor=actor,
                                               now=NOW),
    }


@pytest.mark.parametrize("call", ["delete", "close", "reopen", "snooze", "decide", "add update", "timeline",
                                  "add action", "update action", "link", "unlink"])
def test_every_review_service_refuses_a_review_outside_the_actors_scope(session, call):
    review = make_review(session, organisation_code="52R", review_type="RAPID", notification_date=date(2026, 10, 1),
                         date_added=date(2026, 10, 1), incident_date=None, local_identifier="RR-NOTTS-1")
    before = audit_count(session, review.id)
    national_in_london = person(session, "national_admin", "ENG")
    outsider = Actor(user_id=None, email="x@example.com", role=national_in_london.role,
                     scope=scope_for_code(session, "Y56"))  # every permission, but London only
    with pytest.raises(NotAllowed):
        out_of_scope_calls(session, review, outsider)[call]()
    session.rollback()
    session.expire_all()
    assert session.get(Review, review.id).status == "open"
    assert audit_count(session, review.id) == before
    assert not session.scalar(select(func.count(ReviewUpdate.id)).where(ReviewUpdate.review_id == review.id))
    assert not session.scalar(select(func.count(ReviewLink.id)))


def test_reading_the_timeline_needs_the_read_permission_in_scope(session):
    review = make_review(session)
    add_update(session, review=review, text="Panel met.", entry_date=None, actor=person(session), now=NOW,
               expected_version=review.version)
    session.commit()
    assert [u.text for u in timeline(session, review, actor=person(session, "viewer", "QMJ"))] == ["Panel met."]
    with pytest.raises(NotAllowed):
        timeline(session, review, actor=Actor(user_id=None, email="nobody@example.com", role=None,
                                              scope=scope_for_code(session, "QMJ")))


# --- 4. one copy of each rule --------------------------------------------------------------------------------------

def test_snoozing_a_closed_review_is_refused_by_the_service(session):
    review = closed_review(session)
    with pytest.raises(ReviewRejected) as refused:
        actions.snooze_reminders(session, review=review, until=date(2026, 12, 20), reason="Waiting for the panel.",
                                 actor=person(session), now=NOW, expected_version=review.version)
    assert [v.message for v in refused.value.violations] == lifecycle.why_not(review, "snooze") == [
        "Reminders are snoozed only while a review is open; this one is closed."]


def test_the_snooze_cap_is_configuration(session):
    review = make_review(session)
    cap = NOTIFICATIONS["snooze_max_days"]
    today = date(2026, 11, 25)
    with pytest.raises(ReviewRejected) as refused:
        actions.snooze_reminders(session, review=review, until=today + timedelta(days=cap + 1), reason="Court case.",
                                 actor=person(session), now=NOW, expected_version=review.version)
    assert refused.value.violations[0].message == f"Reminders can be snoozed for at most {cap} days."
    actions.snooze_reminders(session, review=review, until=today + timedelta(days=cap + 1), reason="Court case.",
                             actor=person(session), now=NOW, expected_version=review.version, max_days=cap + 1)
    assert review.snoozed_until == today + timedelta(days=cap + 1)


def test_the_guard_judges_a_birth_date_on_the_services_day_not_the_hosts(session):
    """"Aged 30 (12/03/2000)" is a plausible birth date only from 2029 on (app/privacy/dates.py): the service's `now`
    decides, whatever the host's clock says (it used to read date.today())."""
    text = "Panel met the mother, aged 30 (12/03/2000)."
    review = make_review(session)
    kept = add_update(session, review=review, text=text, entry_date=None, actor=person(session), now=NOW,
                      expected_version=review.version)
    assert kept.text == text
    later = datetime(2031, 1, 10, 10, 0, tzinfo=UTC)
    with pytest.raises(ReviewRejected) as refused:
        add_update(session, review=review, text=text, entry_date=None, actor=person(session), now=later,
                   expected_version=review.version)
    assert [(v.field, "a date of birth" in v.message) for v in refused.value.violations] == [("text", True)]


def test_why_not_close_names_what_is_missing(session):
    review = make_review(session, signed_off_date=date(2026, 3, 1))
    assert lifecycle.why_not(review, "close") == [
        "Public / embargoed is not recorded: say whether the report is public (with the publication date) or embargoed "
        "(with an embargo review date)."]
    review.publication_status = "public"
    assert lifecycle.why_not(review, "close") == ["Publication date is missing."]
    review.publication_date = date(2026, 4, 1)
    assert lifecycle.why_not(review, "close") == []
    review.signed_off_date = None
    assert lifecycle.why_not(review, "close") == ["Date report signed off is missing."]


def test_why_not_covers_every_action_and_agrees_with_the_transitions(session):
    open_review = make_review(session)
    closed = closed_review(session)
    rapid = make_review(session, review_type="RAPID", notification_date=date(2026, 10, 1), date_added=date(2026, 10, 1),
                        incident_date=None)
    assert set(lifecycle.ACTIONS) == {"close", "reopen", "decide", "snooze"}
    assert lifecycle.why_not(open_review, "reopen") == ["Only a closed review can be reopened; this one is open."]
    assert lifecycle.why_not(closed, "reopen") == []
    assert lifecycle.why_not(closed, "close") == ["Only an open review can be closed; this one is closed."]
    assert lifecycle.why_not(open_review, "decide") == ["Only a rapid review has a decision."]
    assert lifecycle.why_not(rapid, "decide") == []
    assert lifecycle.why_not(rapid, "close") == ["A rapid review ends with its decision (converted, or no further "
                                                 "review), not by closing."]
    with pytest.raises(lifecycle.TransitionRefused, match="Only an open review can be closed"):
        lifecycle.close(closed)
    with pytest.raises(ValueError, match="not a review action"):
        lifecycle.why_not(open_review, "archive")


def test_a_search_typed_before_an_export_is_kept_out_of_the_audit_trail_when_it_holds_patient_data(session):
    national = person(session, "national_admin", "ENG")
    record_export(session, actor=national, now=NOW, export_type="csv", rows=0,
                  described={"search": f"{NHS_NUMBER}", "filters": [f"local_identifier_contains={NHS_NUMBER}"]})
    record_export(session, actor=national, now=NOW, export_type="csv", rows=1,
                  described={"search": "SAR-NCL-2025", "filters": ["type_of_review_equals=SAR_MANDATORY"]})
    session.commit()
    withheld, kept = session.scalars(select(AuditEvent.detail).where(AuditEvent.action == "review.export")
                                     .order_by(AuditEvent.id))
    assert "943" not in withheld and "withheld" in withheld and "an NHS number" in withheld
    assert "'SAR-NCL-2025'" in kept and "type_of_review_equals=SAR_MANDATORY" in kept
