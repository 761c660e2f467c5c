"""Sessions: 30-minute idle and 12-hour absolute timeouts; sign-out, disabling and re-authentication."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest

from app.security.sessions import SEEN_AT, SIGNED_IN_AT, session_expiry
from tests.security.conftest import user_by_email
from tests.support.accounts import ACCOUNTS, PASSWORD
from tests.support.web import page_token, sign_in

IDLE, ABSOLUTE = timedelta(minutes=30), timedelta(hours=12)


def _age_session(client, *, signed_in_ago: float | None = None, seen_ago: float | None = None) -> None:
    """Move the session's clocks back, as if time had passed (the cookie is what the control reads)."""
    with client.session_transaction() as s:
        now = time.time()
        if signed_in_ago is not None:
            s[SIGNED_IN_AT] = now - signed_in_ago
        if seen_ago is not None:
            s[SEEN_AT] = now - seen_ago


def _signed_out(response) -> bool:
    return response.status_code == 302 and "/login" in response.headers["Location"]


def test_idle_session_is_signed_out_with_a_message(client):
    sign_in(client, "dp_ncl")
    _age_session(client, seen_ago=31 * 60)
    assert _signed_out(client.get("/admin/review/"))
    page = client.get("/login").get_data(as_text=True)
    assert "30 minutes without activity" in page
    assert _signed_out(client.get("/admin/")), "the expired session came back"


def test_activity_keeps_a_session_alive(client):
    sign_in(client, "dp_ncl")
    _age_session(client, seen_ago=29 * 60)
    assert client.get("/admin/").status_code == 200
    _age_session(client, seen_ago=None)
    with client.session_transaction() as s:
        assert time.time() - s[SEEN_AT] < 5, "a request did not refresh the last-seen time"


def test_absolute_timeout_even_when_active(client):
    sign_in(client, "dp_ncl")
    _age_session(client, signed_in_ago=12 * 3600 + 1, seen_ago=10)
    assert _signed_out(client.get("/admin/"))
    assert "more than 12 hours ago" in client.get("/login").get_data(as_text=True)


def test_a_signed_in_session_without_clocks_is_refused(client):
    sign_in(client, "dp_ncl")
    with client.session_transaction() as s:
        s.pop(SIGNED_IN_AT)
    assert _signed_out(client.get("/admin/"))


@pytest.mark.parametrize("signed_in, seen, expected", [
    (0, 0, None), (0, 29 * 60, None), (0, 30 * 60, "idle"), (12 * 3600, 0, "absolute"), (None, 0, "unknown"),
])
def test_session_expiry_rule(signed_in, seen, expected):
    now = 1_800_000_000.0
    assert session_expiry(signed_in_at=None if signed_in is None else now - signed_in, seen_at=now - seen, now=now,
                          idle=IDLE, absolute=ABSOLUTE) == expected


def test_sign_out_is_post_only_and_kills_copied_cookies(client, session):
    sign_in(client, "dp_ncl")
    assert client.get("/logout").status_code == 405
    with client.session_transaction() as s:
        copied = dict(s)
    client.post("/logout", data={"csrf_token": page_token(client, "/admin/")})
    assert _signed_out(client.get("/admin/"))
    with client.session_transaction() as s:  # an attacker replays the cookie copied before sign-out
        s.update(copied)
    assert _signed_out(client.get("/admin/")), "a session cookie copied before sign-out still works"


def test_sign_out_needs_the_csrf_token(client):
    sign_in(client, "dp_ncl")
    client.post("/logout")
    assert client.get("/admin/").status_code == 200, "a cross-site POST signed the user out"


def test_disabling_a_user_ends_their_sessions(app, client, session):
    victim = app.test_client()
    sign_in(victim, "dp_ncl")
    sign_in(client, "national")
    user = user_by_email(session, ACCOUNTS["dp_ncl"][0])
    token = page_token(client, f"/admin/users/edit/?id={user.id}")
    client.post(f"/admin/users/edit/?id={user.id}", data={
        "email": user.email, "full_name": "", "role": "designated_professional", "scope_code": "QMJ",
        "digests_enabled": "y", "csrf_token": token})  # "active" left unticked
    assert user_by_email(session, ACCOUNTS["dp_ncl"][0]).active is False
    assert _signed_out(victim.get("/admin/"))
    # Enabled again, the old session must stay dead (it ended; it was not just suspended).
    token = page_token(client, f"/admin/users/edit/?id={user.id}")
    client.post(f"/admin/users/edit/?id={user.id}", data={
        "email": user.email, "full_name": "", "role": "designated_professional", "scope_code": "QMJ",
        "active": "y", "digests_enabled": "y", "csrf_token": token})
    assert user_by_email(session, ACCOUNTS["dp_ncl"][0]).active is True
    assert _signed_out(victim.get("/admin/")), "a session from before the account was disabled came back"


def test_no_remember_me_cookie(client):
    token = page_token(client, "/login")
    client.post("/login", data={"email": ACCOUNTS["dp_ncl"][0], "password": PASSWORD, "remember": "y",
                                "csrf_token": token})
    assert client.get("/admin/").status_code == 200
    assert client.get_cookie("remember_token") is None


@pytest.mark.parametrize("url", ["/tf-setup", "/change-email", "/wan-register", "/mf-recovery-codes"])
def test_changing_two_factor_or_email_needs_a_recent_sign_in(client, url):
    sign_in(client, "national")
    assert client.get(url).status_code == 200  # just signed in: fresh
    with client.session_transaction() as s:
        s["fs_paa"] = time.time() - 6 * 60
        s.pop("fs_gexp", None)
    response = client.get(url)
    assert response.status_code == 302 and "/verify" in response.headers["Location"], (url, response.status_code)
