"""Per-address throttling of sign-in, two-factor and reset POSTs, counted in a real Redis shared by every web
process; and generic answers that never tell whether an account exists."""

from __future__ import annotations

import logging
import re

import pytest

from app.factory import create_app
from tests.support.accounts import ACCOUNTS
from tests.support.web import csrf_token, page_token

UNKNOWN = "nobody.here@example.com"


def _post_login(client, token: str, email: str = UNKNOWN):
    return client.post("/login", data={"email": email, "password": "not-the-password", "csrf_token": token})


def test_sign_in_is_throttled_per_address_in_redis(redis_limits, app, app_config, client):
    token = page_token(client, "/login")
    codes = [_post_login(client, token).status_code for _ in range(20)]
    assert 429 not in codes
    assert _post_login(client, token).status_code == 429
    assert client.get("/login").status_code == 200, "throttling should count POSTs only"
    assert redis_limits.client().keys(f"*{app_config['RATELIMIT_KEY_PREFIX']}*"), "no counter in Redis"
    # Another web process (a second app on the same Redis) sees the same counter.
    other = create_app("test", dict(app_config)).test_client()
    assert _post_login(other, page_token(other, "/login")).status_code == 429


def test_a_different_address_is_not_throttled(redis_limits, client):
    token = page_token(client, "/login")
    for _ in range(21):
        _post_login(client, token)
    other = client.post("/login", data={"email": UNKNOWN, "password": "x", "csrf_token": token},
                        environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other.status_code == 200


def test_password_reset_is_throttled(redis_limits, client):
    token = page_token(client, "/reset")
    codes = [client.post("/reset", data={"email": UNKNOWN, "csrf_token": token}).status_code for _ in range(6)]
    assert codes[:5] == [200] * 5 and codes[5] == 429


@pytest.fixture
def lockout_out_of_the_way(app_config):
    """The lockout (10 wrong codes end the sign-in) would stop the attempts before the throttle is reached."""
    app_config["LOCKOUT_THRESHOLD"] = 100


def test_two_factor_codes_are_throttled(redis_limits, lockout_out_of_the_way, app, client):
    token = page_token(client, "/login")
    client.post("/login", data={"email": ACCOUNTS["national"][0], "password": "quartz-meadow-violin-2291",
                                "csrf_token": token})
    page = client.get("/tf-validate")
    token = csrf_token(page.get_data(as_text=True))
    codes = [client.post("/tf-validate", data={"code": "000000", "csrf_token": token}).status_code for _ in range(21)]
    assert codes[-1] == 429 and 429 not in codes[:20]


def test_development_without_redis_warns_and_uses_memory(app_config, caplog, monkeypatch, tmp_path):
    monkeypatch.setenv("TRACKER_INSTANCE_PATH", str(tmp_path / "dev"))
    monkeypatch.delenv("REDIS_URL", raising=False)
    with caplog.at_level(logging.WARNING):
        dev = create_app("development", {"SQLALCHEMY_DATABASE_URI": app_config["SQLALCHEMY_DATABASE_URI"],
                                         "SECURITY_PASSWORD_HASH": "pbkdf2_sha512"})  # quick, for 21 tries
    assert "REDIS_URL is not set" in caplog.text
    client = dev.test_client()
    token = page_token(client, "/login")
    assert [_post_login(client, token).status_code for _ in range(21)][-1] == 429, "no throttling without Redis"


def test_sign_in_answers_never_tell_whether_an_account_exists(client):
    token = page_token(client, "/login")
    answers = []
    for email in (UNKNOWN, ACCOUNTS["dp_ncl"][0]):
        html = _post_login(client, token, email).get_data(as_text=True)
        answers.append(re.sub(r'nonce="[^"]+"', "", html.replace(csrf_token(html), "").replace(email, "EMAIL")))
    assert answers[0] == answers[1]


def test_reset_answers_never_tell_whether_an_account_exists(mail_sink, client):
    answers = []
    for email in (UNKNOWN, ACCOUNTS["dp_ncl"][0]):
        response = client.post("/reset", data={"email": email, "csrf_token": page_token(client, "/reset")},
                               follow_redirects=True)
        html = response.get_data(as_text=True)
        answers.append(re.sub(r'nonce="[^"]+"', "", html.replace(csrf_token(html), "").replace(email, "EMAIL")))
    assert answers[0] == answers[1]
