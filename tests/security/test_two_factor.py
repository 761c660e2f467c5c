"""Two-factor sign-in: who must use it, TOTP replay refused, on-screen enrolment, recovery codes, admin reset."""

from __future__ import annotations

import re
import time

import pyotp
import pytest

from app.demo.two_factor import DEMO_TOTP_KEY, demo_code, enrol_demo_two_factor
from app.people.twofactor import reset_two_factor
from app.types import utcnow
from tests.security.conftest import audit_actions, user_by_email
from tests.support.accounts import ACCOUNTS, PASSWORD, TOTP_KEY
from tests.support.web import csrf_token, next_totp_code, page_token, sign_in

VERIFY_FORM = 'name="two_factor_verify_code_form"'


def _password_step(client, email: str, password: str = PASSWORD):
    token = page_token(client, "/login")
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token},
                       follow_redirects=True)


def _signed_in(client) -> bool:
    return client.get("/admin/").status_code == 200


@pytest.mark.parametrize("who", ["national", "lead_london"])
def test_national_admins_and_regional_leads_need_a_second_factor(client, who):
    page = _password_step(client, ACCOUNTS[who][0])
    assert VERIFY_FORM in page.get_data(as_text=True)
    assert not _signed_in(client), "a password alone signed in a role that requires two-factor"


@pytest.mark.parametrize("who", ["dp_ncl", "viewer_midlands"])
def test_other_roles_sign_in_with_a_password_by_default(client, who):
    _password_step(client, ACCOUNTS[who][0])
    assert _signed_in(client)


@pytest.fixture
def everyone_needs_two_factor(app_config):
    """TWO_FACTOR_REQUIRED_FOR_ALL (the environment variable of that name) set before the app is built."""
    app_config["TWO_FACTOR_REQUIRED_FOR_ALL"] = True


def test_two_factor_can_be_required_for_everyone(everyone_needs_two_factor, client):
    page = _password_step(client, ACCOUNTS["dp_ncl"][0])
    assert page.request.path == "/tf-setup", page.request.path
    assert not _signed_in(client)


def test_wrong_code_is_refused_and_counted(client, session):
    page = _password_step(client, ACCOUNTS["national"][0])
    response = client.post("/tf-validate", data={"code": "000000", "csrf_token": csrf_token(page.get_data(
        as_text=True))}, follow_redirects=True)
    assert VERIFY_FORM in response.get_data(as_text=True)
    assert not _signed_in(client)
    assert "user.sign_in_failed" in audit_actions(session, ACCOUNTS["national"][0])


def test_a_code_is_accepted_only_once(app, session):
    """The same authenticator code, presented twice (another browser, same 30-second step), is refused."""
    email = ACCOUNTS["national"][0]
    first, second = app.test_client(), app.test_client()
    code = next_totp_code(app, email)
    page = _password_step(first, email)
    first.post("/tf-validate", data={"code": code, "csrf_token": csrf_token(page.get_data(as_text=True))})
    assert _signed_in(first)
    page = _password_step(second, email)
    replay = second.post("/tf-validate", data={"code": code, "csrf_token": csrf_token(page.get_data(as_text=True))},
                         follow_redirects=True)
    assert VERIFY_FORM in replay.get_data(as_text=True)
    assert not _signed_in(second), "a used authenticator code signed in a second time"
    assert user_by_email(session, email).tf_totp_last_step is not None


def test_an_older_code_is_refused_after_a_newer_one(app, session):
    email = ACCOUNTS["lead_london"][0]
    now_step = int(time.time()) // 30
    older, newer = pyotp.TOTP(TOTP_KEY).at((now_step - 1) * 30), pyotp.TOTP(TOTP_KEY).at(now_step * 30)
    first, second = app.test_client(), app.test_client()
    page = _password_step(first, email)
    first.post("/tf-validate", data={"code": newer, "csrf_token": csrf_token(page.get_data(as_text=True))})
    assert _signed_in(first)
    page = _password_step(second, email)
    second.post("/tf-validate", data={"code": older, "csrf_token": csrf_token(page.get_data(as_text=True))})
    assert not _signed_in(second)


def _setup_authenticator(client) -> str:
    """Enrol an authenticator app on screen as the signed-in user; returns the key shown."""
    page = client.post("/tf-setup", data={"setup": "authenticator", "csrf_token": page_token(client, "/tf-setup")})
    html = page.get_data(as_text=True)
    key = re.search(r"<div>([A-Z2-7]{4}(?:-[A-Z2-7]{1,4}){3,})</div>", html)
    assert key, html[:2000]
    action = re.search(r'<form action="(/tf-setup/[^"]+)"', html)
    assert action, html[:2000]
    secret = key.group(1).replace("-", "")
    done = client.post(action.group(1), data={"code": pyotp.TOTP(secret).now(), "csrf_token": csrf_token(html)},
                       follow_redirects=True)
    assert done.status_code == 200
    return secret


def test_a_user_enrols_an_authenticator_and_then_needs_it(app, client, session):
    email = ACCOUNTS["dp_ncl"][0]
    sign_in(client, "dp_ncl")
    secret = _setup_authenticator(client)
    assert user_by_email(session, email).tf_primary_method == "authenticator"
    assert "user.two_factor_enrolled" in audit_actions(session, email)
    other = app.test_client()
    page = _password_step(other, email)
    assert VERIFY_FORM in page.get_data(as_text=True)
    sign_in(other, "dp_ncl", totp_key=secret)
    assert _signed_in(other)


def test_recovery_codes_sign_in_once_each(app, client, session):
    email = ACCOUNTS["national"][0]
    sign_in(client, "national")
    page = client.post("/mf-recovery-codes", data={"generate_new_codes": "Generate",
                                                   "csrf_token": page_token(client, "/mf-recovery-codes")})
    codes = re.findall(r"\b[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}\b", page.get_data(as_text=True))
    assert len(codes) == 8
    stored = user_by_email(session, email).mf_recovery_codes
    assert codes[0] not in " ".join(stored), "recovery codes are stored in clear"

    other = app.test_client()
    page = _password_step(other, email)
    rescue = other.get("/mf-recovery")
    used = other.post("/mf-recovery", data={"code": codes[0], "csrf_token": csrf_token(rescue.get_data(
        as_text=True))}, follow_redirects=True)
    assert used.status_code == 200 and _signed_in(other)
    assert "user.recovery_code_used" in audit_actions(session, email)

    again = app.test_client()
    _password_step(again, email)
    rescue = again.get("/mf-recovery")
    again.post("/mf-recovery", data={"code": codes[0], "csrf_token": csrf_token(rescue.get_data(as_text=True))})
    assert not _signed_in(again), "a recovery code worked twice"


def test_national_admin_resets_a_lost_second_factor(app, client, session):
    lead_email = ACCOUNTS["lead_london"][0]
    lead = app.test_client()
    sign_in(lead, "lead_london")
    assert _signed_in(lead)
    sign_in(client, "national")
    user = user_by_email(session, lead_email)
    token = page_token(client, f"/admin/users/details/?id={user.id}")
    client.post("/admin/users/reset-two-factor/", data={"id": str(user.id), "csrf_token": token})
    user = user_by_email(session, lead_email)
    assert user.tf_primary_method is None and user.tf_totp_secret is None
    assert "user.two_factor_reset" in audit_actions(session, lead_email)
    assert not _signed_in(lead), "the lead's session survived the reset"
    page = _password_step(app.test_client(), lead_email)
    assert page.request.path == "/tf-setup", "the lead was not sent to set up a new second factor"


def test_only_national_admins_reset_two_factor(client, session):
    sign_in(client, "lead_midlands")
    victim = user_by_email(session, ACCOUNTS["lead_london"][0])
    token = page_token(client, "/admin/")
    response = client.post("/admin/users/reset-two-factor/", data={"id": str(victim.id), "csrf_token": token})
    assert response.status_code == 403
    assert user_by_email(session, ACCOUNTS["lead_london"][0]).tf_primary_method == "authenticator"


def test_security_key_page_scripts_carry_the_nonce(client):
    sign_in(client, "national")
    page = client.get("/wan-register")
    assert page.status_code == 200
    nonce = re.search(r"'nonce-([^']+)'", page.headers["Content-Security-Policy"]).group(1)
    scripts = re.findall(r"<script([^>]*)>", page.get_data(as_text=True))
    assert scripts and all(f'nonce="{nonce}"' in attrs for attrs in scripts), scripts


def test_demo_accounts_get_the_published_key(app, session):
    national = user_by_email(session, ACCOUNTS["national"][0])
    reset_two_factor(session, user=national, actor=None, now=utcnow())
    session.commit()
    config = app.config
    enrolled = enrol_demo_two_factor(session, required_roles=config["TWO_FACTOR_REQUIRED_ROLES"],
                                     totp_secrets=config["SECURITY_TOTP_SECRETS"],
                                     issuer=config["SECURITY_TOTP_ISSUER"], now=utcnow())
    session.commit()
    assert enrolled == [ACCOUNTS["national"][0]]  # the others already had a key
    client = app.test_client()
    page = _password_step(client, ACCOUNTS["national"][0])
    client.post("/tf-validate", data={"code": demo_code(utcnow()), "csrf_token": csrf_token(page.get_data(
        as_text=True))})
    assert _signed_in(client)
    assert pyotp.TOTP(DEMO_TOTP_KEY).now() == demo_code(utcnow())
