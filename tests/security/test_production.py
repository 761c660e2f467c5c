"""The production configuration refuses to start with unsafe settings, and to serve with demo accounts."""

from __future__ import annotations

import secrets

import pytest
from sqlalchemy import create_engine, text

from app.factory import create_app
from config import ConfigurationError

GOOD = {"SECRET_KEY": secrets.token_urlsafe(48), "SECURITY_PASSWORD_SALT": secrets.token_urlsafe(48)}


@pytest.fixture
def production_env(monkeypatch, database_url, redis_server, tmp_path):
    """A complete, safe production environment (tests then spoil one thing each)."""
    monkeypatch.setenv("TRACKER_INSTANCE_PATH", str(tmp_path / "prod"))
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    env = {**GOOD, "DATABASE_URL": database_url, "REDIS_URL": redis_server.url}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return env


def _refusal(**overrides) -> str:
    with pytest.raises(ConfigurationError) as caught:
        create_app("production", overrides or None)
    return str(caught.value)


def _remove_demo_accounts(database_url: str) -> None:
    engine = create_engine(database_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE app_user SET email = 'real.' || email"))
    engine.dispose()


def test_a_safe_production_configuration_starts_and_serves(production_env, database_url):
    _remove_demo_accounts(database_url)
    app = create_app("production")
    response = app.test_client().get("/login")
    assert response.status_code == 200
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    cookie = response.headers.get("Set-Cookie", "")
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie, cookie


@pytest.mark.parametrize("name", ["SECRET_KEY", "SECURITY_PASSWORD_SALT"])
def test_missing_secret(production_env, monkeypatch, name):
    monkeypatch.delenv(name)
    assert f"{name} must be set" in _refusal()


@pytest.mark.parametrize("value, reason", [
    ("changeme", "known default"), ("test-only-secret_key-not-secret", "known default"),
    ("short-but-random-Xy7", "too short"), ("a" * 40, "not random enough"),
])
@pytest.mark.parametrize("name", ["SECRET_KEY", "SECURITY_PASSWORD_SALT"])
def test_weak_secret(production_env, monkeypatch, name, value, reason):
    monkeypatch.setenv(name, value)
    message = _refusal()
    assert name in message and reason in message


def test_same_secret_twice(production_env, monkeypatch):
    monkeypatch.setenv("SECURITY_PASSWORD_SALT", GOOD["SECRET_KEY"])
    assert "must differ" in _refusal()


def test_debug_on(production_env, monkeypatch):
    monkeypatch.setenv("FLASK_DEBUG", "1")
    assert "DEBUG is on" in _refusal()


def test_debug_switched_on_after_start_refuses_to_serve(production_env, database_url):
    _remove_demo_accounts(database_url)
    app = create_app("production")
    app.debug = True
    assert app.test_client().get("/login").status_code == 503


def test_missing_redis(production_env, monkeypatch):
    monkeypatch.delenv("REDIS_URL")
    assert "REDIS_URL is not set" in _refusal()


@pytest.mark.parametrize("override, reason", [
    ({"DEMO_DATA_ALLOWED": True}, "DEMO_DATA_ALLOWED"),
    ({"MAIL_CATCHER_DIR": "/tmp/mail"}, "MAIL_CATCHER_DIR"),
    ({"TESTING": True}, "TESTING"),
    ({"SECURITY_PASSWORD_HASH": "pbkdf2_sha512"}, "argon2"),
    ({"SESSION_COOKIE_SECURE": False}, "SESSION_COOKIE_SECURE"),
])
def test_demo_and_development_settings(production_env, override, reason):
    assert reason in _refusal(**override)


def test_demo_accounts_refuse_every_request_until_removed(production_env, database_url, caplog):
    app = create_app("production")  # the test database holds the demo accounts' addresses
    client = app.test_client()
    assert client.get("/login").status_code == 503
    assert "demo accounts" in caplog.text
    _remove_demo_accounts(database_url)
    assert client.get("/login").status_code == 200


def test_demo_load_is_refused_in_production(production_env, database_url):
    _remove_demo_accounts(database_url)
    result = create_app("production").test_cli_runner().invoke(args=["demo", "load", "--reviews", "1"])
    assert result.exit_code != 0 and "not allowed" in result.output
