"""One password policy everywhere (change, reset, admin/CLI): length, the shipped common-password list, zxcvbn.
A change or reset ends the user's other sessions and is audited."""

from __future__ import annotations

import re

import pytest

from tests.security.conftest import audit_actions, user_by_email
from tests.support.accounts import ACCOUNTS, PASSWORD
from tests.support.web import page_token, sign_in

STRONG = "tundra-mosaic-lantern-8814"
EMAIL = ACCOUNTS["dp_ncl"][0]


def _change(client, new: str):
    return client.post("/change", data={"password": PASSWORD, "new_password": new, "new_password_confirm": new,
                                        "csrf_token": page_token(client, "/change")}, follow_redirects=True)


@pytest.mark.parametrize("weak, reason", [
    ("short-pw-1", "at least 12"),
    ("password1234", "commonly used"),  # on the shipped NCSC / HIBP list
    ("aaaaaaaaaaaaaaaa", "too weak"),  # zxcvbn
    ("dp.ncl@example.com", "too weak"),  # the user's own email
    ("SafeguardingTracker-2025!", "words about this service"),  # context-specific words (CONTEXT_WORDS)
])
def test_change_password_refuses_a_weak_password(mail_sink, client, session, weak, reason):
    sign_in(client, "dp_ncl")
    before = user_by_email(session, EMAIL).password
    page = _change(client, weak).get_data(as_text=True)
    assert reason in page
    assert user_by_email(session, EMAIL).password == before


def test_a_long_passphrase_without_composition_rules_is_accepted(mail_sink, client, session):
    sign_in(client, "dp_ncl")
    passphrase = "the quiet heron waits beside a frozen canal at dawn " * 2  # 104 characters, lower case only
    _change(client, passphrase)
    assert user_by_email(session, EMAIL).verify_and_update_password(passphrase)


def test_password_change_ends_other_sessions_and_is_audited(mail_sink, app, client, session):
    other = app.test_client()
    sign_in(other, "dp_ncl")
    sign_in(client, "dp_ncl")
    _change(client, STRONG)
    assert client.get("/admin/").status_code == 200, "the changing session itself should stay signed in"
    assert other.get("/admin/").status_code == 302, "another session survived a password change"
    assert "user.password_changed" in audit_actions(session, EMAIL)
    notice = mail_sink.wait_for(1, timeout=10)
    assert notice[0].envelope_to == [EMAIL]


def test_reset_uses_the_same_policy_and_ends_sessions(mail_sink, app, client, session):
    signed_in = app.test_client()
    sign_in(signed_in, "dp_ncl")
    client.post("/reset", data={"email": EMAIL, "csrf_token": page_token(client, "/reset")})
    mail = mail_sink.wait_for(1, timeout=10)[0].message().get_body(("plain", "html")).get_content()
    link = re.search(r"http://[^/\s]+(/reset/[^\s\"<]+)", mail).group(1)
    weak = client.post(link, data={"password": "password1234", "password_confirm": "password1234",
                                   "csrf_token": page_token(client, link)}, follow_redirects=True)
    assert "commonly used" in weak.get_data(as_text=True)
    client.post(link, data={"password": STRONG, "password_confirm": STRONG, "csrf_token": page_token(client, link)})
    assert user_by_email(session, EMAIL).verify_and_update_password(STRONG)
    assert signed_in.get("/admin/").status_code == 302, "a session survived a password reset"
    assert "user.password_reset" in audit_actions(session, EMAIL)


def test_the_command_line_uses_the_policy(app, monkeypatch):
    runner = app.test_cli_runner()
    monkeypatch.setenv("TRACKER_NEW_USER_PASSWORD", "password1234")
    result = runner.invoke(args=["users", "create", "new.viewer@example.com", "--role", "viewer", "--scope", "Y56"])
    assert result.exit_code != 0 and "commonly used" in result.output
