"""The lockout holds at every step of signing in: the second factor (code, recovery code, security key, method
choice), re-authentication, and a lock that falls between the password and the code."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from tests.security.conftest import audit_actions, user_by_email
from tests.support.accounts import ACCOUNTS, PASSWORD
from tests.support.web import csrf_token, next_totp_code, page_token, sign_in

LEAD = ACCOUNTS["lead_london"][0]
VERIFY_FORM = 'name="two_factor_verify_code_form"'


def _password_step(client, email: str = LEAD, password: str = PASSWORD):
    token = page_token(client, "/login")
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token},
                       follow_redirects=True)


def _signed_in(client) -> bool:
    return client.get("/admin/").status_code == 200


def _lock_by_wrong_passwords(app, email: str = LEAD, times: int = 10) -> None:
    attacker = app.test_client()
    for _ in range(times):
        token = page_token(attacker, "/login")
        attacker.post("/login", data={"email": email, "password": "wrong-password-guess", "csrf_token": token})


def _wrong_codes(client, page, times: int):
    """Post `times` wrong authenticator codes from the second-factor page; returns the last page."""
    for _ in range(times):
        page = client.post("/tf-validate", data={"code": "000000", "csrf_token": csrf_token(page.get_data(
            as_text=True))}, follow_redirects=True)
    return page


def test_wrong_codes_lock_and_then_the_right_code_is_refused(app, client, session):
    """The attack from the report: eleven wrong codes in one second-factor step, then the right code."""
    page = _wrong_codes(client, _password_step(client), 11)
    assert user_by_email(session, LEAD).locked_until is not None
    before = audit_actions(session, LEAD).count("user.sign_in")
    client.post("/tf-validate", data={"code": next_totp_code(app, LEAD), "csrf_token": csrf_token(page.get_data(
        as_text=True))})
    assert not _signed_in(client), "a locked account signed in with its second factor"
    assert client.get("/admin/review/export/csv/").status_code != 200
    assert audit_actions(session, LEAD).count("user.sign_in") == before


def test_a_lock_between_the_password_and_the_code_holds(app, client, session):
    page = _password_step(client)
    assert VERIFY_FORM in page.get_data(as_text=True)
    _lock_by_wrong_passwords(app)
    assert user_by_email(session, LEAD).locked_until is not None
    response = client.post("/tf-validate", data={"code": next_totp_code(app, LEAD),
                                                 "csrf_token": csrf_token(page.get_data(as_text=True))},
                           follow_redirects=True)
    assert not _signed_in(client)
    assert response.status_code == 200 and response.request.path == "/login", response.request.path
    assert "user.sign_in" not in audit_actions(session, LEAD)
    assert "locked account at the second factor" in " ".join(_details(session, LEAD))
    # The pending second-factor step is gone: a later right code, even after the lock is lifted, needs a password.
    user = user_by_email(session, LEAD)
    user.locked_until = None
    session.commit()
    client.post("/tf-validate", data={"code": next_totp_code(app, LEAD), "csrf_token": csrf_token(page.get_data(
        as_text=True))})
    assert not _signed_in(client)


def test_a_recovery_code_does_not_open_a_locked_account(app, client, session):
    sign_in(client, "lead_london")
    page = client.post("/mf-recovery-codes", data={"generate_new_codes": "Generate",
                                                   "csrf_token": page_token(client, "/mf-recovery-codes")})
    codes = re.findall(r"\b[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}\b", page.get_data(as_text=True))
    assert len(codes) == 8
    other = app.test_client()
    _password_step(other)
    rescue = other.get("/mf-recovery")
    _lock_by_wrong_passwords(app)
    other.post("/mf-recovery", data={"code": codes[0], "csrf_token": csrf_token(rescue.get_data(as_text=True))})
    assert not _signed_in(other), "a recovery code signed in a locked account"
    assert len(user_by_email(session, LEAD).mf_recovery_codes) == 8, "the recovery code was used up"


@pytest.mark.parametrize("step", ["/tf-validate", "/mf-recovery", "/wan-signin", "/tf-select", "/tf-rescue"])
def test_every_second_factor_page_refuses_a_locked_account(app, client, session, step):
    token = csrf_token(_password_step(client).get_data(as_text=True))
    _lock_by_wrong_passwords(app)
    response = client.get(step)
    assert response.status_code == 302 and response.headers["Location"].endswith("/login"), (
        step, response.status_code, response.headers.get("Location"))
    posted = client.post(step, data={"csrf_token": token})
    assert posted.status_code in (302, 400, 404), (step, posted.status_code)
    assert not _signed_in(client)


def test_wrong_codes_still_count_and_lock(app, client, session):
    _wrong_codes(client, _password_step(client), 10)
    assert user_by_email(session, LEAD).locked_until is not None
    assert audit_actions(session, LEAD).count("user.sign_in_failed") >= 10
    assert "user.locked" in audit_actions(session, LEAD)


def test_re_authentication_is_refused_while_locked(app, client, session):
    """A signed-in session keeps working when its account is locked, but cannot re-authenticate (/verify) to reach
    the two-factor and email settings."""
    sign_in(client, "dp_ncl")
    _lock_by_wrong_passwords(app, ACCOUNTS["dp_ncl"][0])
    token = page_token(client, "/verify")
    response = client.post("/verify", data={"password": PASSWORD, "csrf_token": token})
    assert response.status_code == 200
    assert "locked" in response.get_data(as_text=True).lower()
    assert "security.verify" not in _fresh_marks(client), "the locked account re-authenticated"
    assert client.get("/admin/").status_code == 200, "the signed-in session itself goes on"


def _fresh_marks(client) -> str:
    """Where /tf-setup (which needs a recent authentication) sends the session: back to /verify when not fresh."""
    response = client.get("/tf-setup")
    return "security.verify" if response.status_code == 302 and "/verify" in response.headers["Location"] else ""


def _details(session, email: str) -> list[str]:
    session.expire_all()
    return [e.detail or "" for e in session.scalars(select(AuditEvent).where(AuditEvent.actor_email == email))]
