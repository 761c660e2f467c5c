"""Account lockout: 10 failures in 15 minutes lock the account; it unlocks after the period or by a national admin."""

from __future__ import annotations

import re
import time
from datetime import timedelta

from sqlalchemy import select

from app.people.lockout import LockoutPolicy, account_locked, register_failure
from app.people.models import SignInFailure
from tests.security.conftest import audit_actions, user_by_email
from tests.support.accounts import ACCOUNTS, PASSWORD
from tests.support.reviews import NOW
from tests.support.web import csrf_token, page_token, sign_in

EMAIL = ACCOUNTS["dp_ncl"][0]


def _attempt(client, password: str, email: str = EMAIL):
    token = page_token(client, "/login")
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token})


def _signed_in(client) -> bool:
    return client.get("/admin/").status_code == 200


def _fail(client, times: int, email: str = EMAIL) -> None:
    for _ in range(times):
        _attempt(client, "wrong-password-guess", email)


def test_ten_failures_lock_the_account_and_the_right_password_is_refused(client, session):
    _fail(client, 10)
    user = user_by_email(session, EMAIL)
    assert user.locked_until is not None
    response = _attempt(client, PASSWORD)
    assert not _signed_in(client), "a locked account signed in"
    assert response.status_code == 200
    assert "user.locked" in audit_actions(session, EMAIL)


def test_the_locked_answer_looks_like_a_wrong_password(client):
    wrong = _attempt(client, "wrong-password-guess").get_data(as_text=True)
    _fail(client, 9)
    locked = _attempt(client, PASSWORD).get_data(as_text=True)

    def text(html: str) -> str:
        return re.sub(r'nonce="[^"]+"', "", html.replace(csrf_token(html), ""))  # both differ on every page

    assert "locked" not in locked.lower()
    assert text(wrong) == text(locked)


def test_nine_failures_do_not_lock(client, session):
    _fail(client, 9)
    _attempt(client, PASSWORD)
    assert _signed_in(client)


def test_failures_older_than_the_window_do_not_count(client, session):
    _fail(client, 9)
    user = user_by_email(session, EMAIL)
    for failure in session.scalars(select(SignInFailure).where(SignInFailure.user_id == user.id)):
        failure.occurred_at -= timedelta(minutes=16)
    session.commit()
    _fail(client, 1)
    assert user_by_email(session, EMAIL).locked_until is None
    _attempt(client, PASSWORD)
    assert _signed_in(client)


def test_the_lock_expires_after_the_period(client, session):
    _fail(client, 10)
    user = user_by_email(session, EMAIL)
    user.locked_until = user.locked_until - timedelta(minutes=31)
    session.commit()
    _attempt(client, PASSWORD)
    assert _signed_in(client)


def test_wrong_authenticator_codes_count_towards_the_lock(client, session):
    email = ACCOUNTS["lead_london"][0]
    for _ in range(10):
        page = _attempt(client, PASSWORD, email)
        page = client.get(page.headers["Location"])
        client.post("/tf-validate", data={"code": "000000", "csrf_token": csrf_token(page.get_data(as_text=True))})
    assert user_by_email(session, email).locked_until is not None


def test_a_national_admin_unlocks_and_it_is_audited(app, client, session):
    _fail(app.test_client(), 10)
    user = user_by_email(session, EMAIL)
    sign_in(client, "national")
    token = page_token(client, f"/admin/users/details/?id={user.id}")
    assert "locked" in client.get(f"/admin/users/details/?id={user.id}").get_data(as_text=True)
    client.post("/admin/users/unlock/", data={"id": str(user.id), "csrf_token": token})
    assert user_by_email(session, EMAIL).locked_until is None
    assert "user.unlocked" in audit_actions(session)
    other = app.test_client()
    _attempt(other, PASSWORD)
    assert _signed_in(other)


def test_others_cannot_unlock(app, client, session):
    _fail(app.test_client(), 10)
    user = user_by_email(session, EMAIL)
    sign_in(client, "lead_london")
    response = client.post("/admin/users/unlock/", data={"id": str(user.id), "csrf_token": page_token(client,
                                                                                                        "/admin/")})
    assert response.status_code == 403
    assert user_by_email(session, EMAIL).locked_until is not None


def test_reset_is_refused_while_locked_with_the_same_answer(mail_sink, app, client, session):
    _fail(app.test_client(), 10)
    token = page_token(client, "/reset")
    locked = client.post("/reset", data={"email": EMAIL, "csrf_token": token}, follow_redirects=True)
    unknown = client.post("/reset", data={"email": "nobody@example.com", "csrf_token": page_token(client, "/reset")},
                          follow_redirects=True)
    assert "locked" not in locked.get_data(as_text=True).lower()
    assert locked.status_code == unknown.status_code == 200
    other = ACCOUNTS["dp_notts"][0]  # an unlocked account: its link proves mail is delivered at all
    client.post("/reset", data={"email": other, "csrf_token": page_token(client, "/reset")})
    mail_sink.wait_for(1, timeout=10)
    time.sleep(0.5)
    assert [m.envelope_to for m in mail_sink.messages] == [[other]], "a reset link was mailed to a locked account"


def test_sliding_window_policy(session):
    """The rule itself, with explicit times: the 10th failure within 15 minutes locks for 30 minutes."""
    user = user_by_email(session, EMAIL)
    policy = LockoutPolicy(threshold=10, window=timedelta(minutes=15), period=timedelta(minutes=30))
    for minute in range(9):
        assert not register_failure(session, user=user, kind="password", now=NOW + timedelta(minutes=minute),
                                    policy=policy)
    later = NOW + timedelta(minutes=15, seconds=30)  # the first failure has left the window
    assert not register_failure(session, user=user, kind="password", now=later, policy=policy)
    assert register_failure(session, user=user, kind="password", now=later + timedelta(seconds=1), policy=policy)
    assert account_locked(user, now=later + timedelta(minutes=29))
    assert not account_locked(user, now=later + timedelta(minutes=31))
