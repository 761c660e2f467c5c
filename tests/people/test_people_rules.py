"""The people and outbox services check permission and audit themselves, whoever calls them (screen or not)."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.notifications.models import OutboxMessage
from app.notifications.outbox import Email, enqueue
from app.notifications.retry import RetryRefused, retry_email
from app.orgs.scope import scope_for_code
from app.people.actor import Actor, NotAllowed
from app.people.lockout import unlock_user
from app.people.models import User
from app.people.service import create_user, invite_user, update_user
from app.people.twofactor import reset_two_factor
from tests.support.accounts import ACCOUNTS

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


def user(session, name: str) -> User:
    return session.scalar(select(User).where(User.email == ACCOUNTS[name][0]))


def as_actor(session, name: str) -> Actor:
    account = user(session, name)
    email, role, scope = ACCOUNTS[name]
    return Actor(user_id=account.id, email=email, role=role, scope=scope_for_code(session, scope))


def audits(session, action: str) -> list[AuditEvent]:
    return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


# --- users ----------------------------------------------------------------------------------------------------------

def test_a_national_admin_cannot_reset_their_own_two_factor_even_outside_the_screen(session):
    national = user(session, "national")
    with pytest.raises(NotAllowed, match="your own"):
        reset_two_factor(session, user=national, actor=as_actor(session, "national"), now=NOW)
    session.rollback()
    assert user(session, "national").tf_primary_method == "authenticator"
    assert not audits(session, "user.two_factor_reset")


def test_resetting_someone_elses_two_factor_needs_the_user_admin_permission(session):
    with pytest.raises(NotAllowed):
        reset_two_factor(session, user=user(session, "lead_london"), actor=as_actor(session, "lead_midlands"), now=NOW)
    session.rollback()
    assert user(session, "lead_london").tf_primary_method == "authenticator"
    assert reset_two_factor(session, user=user(session, "lead_london"), actor=as_actor(session, "national"), now=NOW)
    assert [e.actor_email for e in audits(session, "user.two_factor_reset")] == [ACCOUNTS["national"][0]]


def test_unlocking_an_account_needs_the_user_admin_permission(session):
    target = user(session, "dp_ncl")
    target.locked_until = datetime(2030, 1, 1, tzinfo=UTC)
    session.commit()
    with pytest.raises(NotAllowed):
        unlock_user(session, user=target, actor=as_actor(session, "dp_notts"), now=NOW)
    session.rollback()
    assert user(session, "dp_ncl").locked_until is not None


def test_creating_inviting_and_changing_users_need_the_user_admin_permission(session):
    lead = as_actor(session, "lead_london")
    with pytest.raises(NotAllowed):
        create_user(session, email="new@example.com", role="viewer", scope_code="Y56", password="x" * 20, actor=lead,
                    now=NOW, check_strength=False)
    with pytest.raises(NotAllowed):
        invite_user(session, email="new@example.com", role="viewer", scope_code="Y56", full_name=None, actor=lead,
                    now=NOW)
    target = user(session, "viewer_midlands")
    with pytest.raises(NotAllowed):
        update_user(session, user=target, role="viewer", scope_code="ENG", active=True, full_name=None,
                    digests_enabled=True, actor=lead, now=NOW)
    session.rollback()
    assert session.scalar(select(func.count(User.id)).where(User.email == "new@example.com")) == 0
    assert user(session, "viewer_midlands").scope_code == "Y60"


def test_an_invitation_sets_enabled_and_digests_in_the_service_and_audits_them(session):
    invited = invite_user(session, email="quiet@example.com", role="viewer", scope_code="Y56", full_name=None,
                          actor=as_actor(session, "national"), now=NOW, active=False, digests_enabled=False)
    session.commit()
    assert (invited.active, invited.digests_enabled) == (False, False)
    [event] = audits(session, "user.create")[-1:]
    assert event.entity_id == str(invited.id)
    assert event.changes["active"] == [None, False] and event.changes["digests_enabled"] == [None, False]


# --- the outbox -----------------------------------------------------------------------------------------------------

def failed_email(session) -> OutboxMessage:
    message_id = enqueue(session, dedup_key="t:failed", email=Email("chaser", "a@example.com", None, "Failed", "t",
                                                                     "h"), now=NOW)
    message = session.get(OutboxMessage, message_id)
    message.status, message.attempts = "failed", 6
    session.commit()
    return message


def test_retrying_an_email_needs_the_outbox_permission_and_is_audited_by_the_service(session):
    message = failed_email(session)
    with pytest.raises(NotAllowed):
        retry_email(session, message=message, actor=as_actor(session, "lead_london"), now=NOW)
    session.rollback()
    assert session.get(OutboxMessage, message.id).status == "failed"
    retry_email(session, message=message, actor=as_actor(session, "national"), now=NOW)
    session.commit()
    assert (message.status, message.attempts) == ("pending", 0)
    [event] = audits(session, "outbox.retry")
    assert event.actor_email == ACCOUNTS["national"][0] and event.changes == {"status": ["failed", "pending"]}


def test_only_a_failed_email_can_be_retried(session):
    message = failed_email(session)
    message.status = "sent"
    session.commit()
    with pytest.raises(RetryRefused, match="Only a failed email"):
        retry_email(session, message=message, actor=as_actor(session, "national"), now=NOW)
    assert not audits(session, "outbox.retry")
