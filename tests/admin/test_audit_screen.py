"""National admins read the audit trail, filtered by review, user, action and date."""

import re

from sqlalchemy import select

from app.audit.models import AuditEvent
from tests.support.reviews import make_review
from tests.support.web import sign_in


def test_audit_trail_filters(client, session):
    first = make_review(session, local_identifier="AUD-1")
    make_review(session, local_identifier="AUD-2")
    sign_in(client, "national")
    by_review = client.get(f"/admin/audit/?flt1_review_equals={first.id}").get_data(as_text=True)
    reviews = set(re.findall(r'col-review_id">\s*(\d+)', by_review))
    assert reviews == {str(first.id)}
    by_action = client.get("/admin/audit/?flt1_action_contains=sign_in").get_data(as_text=True)
    assert "user.sign_in" in by_action and "review.create" not in by_action
    by_user = client.get("/admin/audit/?flt1_user_equals=national@example.com").get_data(as_text=True)
    assert "user.sign_in" in by_user and "test-factory" not in by_user
    by_date = client.get("/admin/audit/?flt1_when_greater_than=2099-01-01+00:00:00").get_data(as_text=True)
    assert "review.create" not in by_date


def test_failed_sign_in_is_audited_without_the_password(client, session):
    sign_in(client, "dp_ncl", password="wrong-password-123")
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "user.sign_in_failed"))
    assert event.actor_email == "dp.ncl@example.com" and "wrong-password" not in (event.detail or "")
    assert event.remote_addr == "127.0.0.1"
