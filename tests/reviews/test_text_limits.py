"""Every free-text and identifier field of a review has a size limit (and may not hold a NUL byte), enforced by
the field rules on every path and shown on the form; the audit trail's rows stay bounded."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.orgs.scope import scope_for_code
from app.people.actor import Actor
from app.reviews import actions
from app.reviews.limits import REASON_LIMITS, TEXT_LIMITS
from app.reviews.models import Review
from app.reviews.rules import ReviewInput, validate
from app.reviews.service import ReviewRejected
from app.timezone import london_today
from tests.support.reviews import NOW, make_review, review_input
from tests.support.web import page_token, sign_in

TODAY = NOW.date()


def _messages(data: ReviewInput, field: str) -> list[str]:
    return [v.message for v in validate(data, today=TODAY) if v.field == field]


@pytest.mark.parametrize("field", ["overview", "learning_1", "learning_2", "learning_3", "recommendations",
                                   "type_other_description"])
def test_each_free_text_field_has_a_limit(field):
    limit = TEXT_LIMITS[field]
    extra = {"review_type": "OTHER"} if field == "type_other_description" else {}
    at_limit = review_input(**extra, **{field: "a" * limit})
    assert not [m for m in _messages(at_limit, field) if "characters" in m]
    over = review_input(**extra, **{field: "a" * (limit + 1)})
    assert any(f"at most {limit:,} characters" in m for m in _messages(over, field)), _messages(over, field)


def test_a_nul_byte_is_a_field_error_on_every_path():
    data = review_input(overview="Agencies\x00 did not share information.")
    assert any("cannot be stored" in m for m in _messages(data, "overview"))


def test_a_million_character_overview_is_refused_by_the_form_and_the_audit_stays_small(client, session):
    review = make_review(session)
    sign_in(client, "dp_ncl")
    audit_before = session.scalar(select(func.count()).select_from(AuditEvent))
    token = page_token(client, f"/admin/review/edit/?id={review.id}")
    huge = "x" * 1_000_000
    response = client.post(f"/admin/review/edit/?id={review.id}", data={
        "csrf_token": token, "review_type": review.review_type, "organisation_code": review.organisation_code,
        "date_added": review.date_added.isoformat(), "incident_date": review.incident_date.isoformat(),
        "dp_initials": review.dp_initials, "local_identifier": review.local_identifier, "overview": huge,
        "learning_1": huge, "learning_2": huge, "learning_3": huge, "recommendations": huge,
        "theme_1": review.theme_codes[0], "version": str(review.version)}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and f"at most {TEXT_LIMITS['overview']:,} characters" in html
    session.expire_all()
    assert session.get(Review, review.id).overview == review.overview
    assert session.scalar(select(func.count()).select_from(AuditEvent)) == audit_before


def test_the_form_shows_each_limit(client, session):
    review = make_review(session)
    sign_in(client, "dp_ncl")
    html = client.get(f"/admin/review/edit/?id={review.id}").get_data(as_text=True)
    for field in ("overview", "learning_1", "recommendations"):
        limit = TEXT_LIMITS[field]
        assert f'maxlength="{limit}"' in html and f"Up to {limit:,} characters" in html, field


def _actor(session, role: str, scope: str) -> Actor:
    return Actor(user_id=None, email=f"{role}@example.com", role=role, scope=scope_for_code(session, scope))


def test_a_snooze_reason_has_a_limit_on_every_path(session):
    review = make_review(session)
    who, until = _actor(session, "designated_professional", "QMJ"), london_today(NOW) + timedelta(days=30)
    limit = REASON_LIMITS["snooze"]
    with pytest.raises(ReviewRejected) as refused:
        actions.snooze_reminders(session, review=review, until=until, reason="r" * (limit + 1), actor=who, now=NOW,
                                 expected_version=review.version)
    assert [v.field for v in refused.value.violations] == ["reason"]
    assert f"at most {limit:,} characters" in refused.value.violations[0].message
    session.rollback()
    assert session.get(Review, review.id).snoozed_until is None
    actions.snooze_reminders(session, review=review, until=until, reason="r" * limit, actor=who, now=NOW,
                             expected_version=review.version)
    assert review.snooze_reason == "r" * limit


def test_a_reopen_reason_has_a_limit_so_the_audit_trail_stays_bounded(session):
    review = make_review(session, signed_off_date=date(2026, 3, 1), publication_status="public",
                         publication_date=date(2026, 4, 1))
    national, limit = _actor(session, "national_admin", "ENG"), REASON_LIMITS["reopen"]
    audit_before = session.scalar(select(func.count()).select_from(AuditEvent))
    with pytest.raises(ReviewRejected) as refused:
        actions.reopen_review(session, review=review, reason="n" * 1_000_000, actor=national, now=NOW,
                              expected_version=review.version)
    assert f"at most {limit:,} characters" in refused.value.violations[0].message
    with pytest.raises(ReviewRejected):
        actions.reopen_review(session, review=review, reason="new\x00 findings", actor=national, now=NOW,
                              expected_version=review.version)
    session.rollback()
    assert session.get(Review, review.id).status == "closed"
    assert session.scalar(select(func.count()).select_from(AuditEvent)) == audit_before


def test_the_action_forms_show_the_reason_limits(client, session):
    review = make_review(session, signed_off_date=date(2026, 3, 1), publication_status="public",
                         publication_date=date(2026, 4, 1))
    sign_in(client, "national")
    html = client.get(f"/admin/review/details/?id={review.id}").get_data(as_text=True)
    assert f'id="reopen-reason" maxlength="{REASON_LIMITS["reopen"]}"' in html
