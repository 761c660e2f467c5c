"""The production configuration refuses to start (or to serve) when it is not safe.

At start-up (create_app, before anything is bound): a missing, default, known or short SECRET_KEY or
SECURITY_PASSWORD_SALT; DEBUG or TESTING on; no REDIS_URL for the throttling counters; demo or development
settings (demo data allowed, the local mail catcher, a cheap password hash, insecure cookies).

Demo accounts in the database are checked on the first request, not at start-up: create_app also runs for
`flask db upgrade` and `flask users ...`, and an operator must be able to run those to remove the accounts.
Until none is left, every request is answered 503 and the reason is logged.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask, abort
from flask.helpers import get_debug_flag
from sqlalchemy import func, select

from app.demo.data import DEMO_USERS
from app.extensions import db
from app.people.models import User

MIN_SECRET_LENGTH = 32
KNOWN_WEAK_SECRETS = frozenset({
    "secret", "secret-key", "secret_key", "changeme", "change-me", "change_me", "dev", "development", "test",
    "super-secret", "supersecret", "password", "default", "flask", "not-secret", "xxx", "12345",
})
SECRET_SETTINGS = ("SECRET_KEY", "SECURITY_PASSWORD_SALT")


class UnsafeProductionConfig(RuntimeError):
    """The production configuration is not safe to run; the message lists every reason."""


def secret_problem(name: str, value: Any) -> str | None:
    """Why a secret setting is not acceptable in production (None when it is)."""
    if not value or not isinstance(value, str):
        return f"{name} is missing"
    lowered = value.strip().lower()
    if lowered in KNOWN_WEAK_SECRETS or "not-secret" in lowered or lowered.startswith(("test-only", "dev-")):
        return f"{name} is a known default or test value"
    if len(value) < MIN_SECRET_LENGTH:
        return f"{name} is too short ({len(value)} characters; at least {MIN_SECRET_LENGTH} random ones)"
    if len(set(value)) < 10:
        return f"{name} is not random enough (too few distinct characters)"
    return None


def production_problems(config: Mapping[str, Any], *, debug: bool = False) -> list[str]:
    """Every reason this production configuration must not start (empty when it may)."""
    problems = [p for name in SECRET_SETTINGS if (p := secret_problem(name, config.get(name)))]
    if config.get("SECRET_KEY") and config.get("SECRET_KEY") == config.get("SECURITY_PASSWORD_SALT"):
        problems.append("SECRET_KEY and SECURITY_PASSWORD_SALT must differ")
    if debug or config.get("DEBUG"):
        problems.append("DEBUG is on (FLASK_DEBUG): the debugger runs code sent by the browser")
    if config.get("TESTING"):
        problems.append("TESTING is on")
    if not config.get("REDIS_URL"):
        problems.append("REDIS_URL is not set: sign-in throttling needs shared counters (and Celery a broker)")
    if config.get("DEMO_DATA_ALLOWED"):
        problems.append("DEMO_DATA_ALLOWED is on: demo data is for development only")
    if config.get("MAIL_CATCHER_DIR"):
        problems.append("MAIL_CATCHER_DIR is set: the local mail catcher shows every email to national admins")
    if config.get("SECURITY_PASSWORD_HASH") != "argon2":
        problems.append("SECURITY_PASSWORD_HASH must be argon2 (a cheap hash is for tests only)")
    if not config.get("SESSION_COOKIE_SECURE"):
        problems.append("SESSION_COOKIE_SECURE is off: the session cookie would travel over plain HTTP")
    return problems


def check_production_config(app: Flask) -> None:
    """Raise UnsafeProductionConfig listing every problem, when the app runs the production configuration."""
    if app.config.get("NAME") != "production":
        return
    problems = production_problems(app.config, debug=app.debug or get_debug_flag())
    if problems:
        raise UnsafeProductionConfig("Refusing to start in production:\n  - " + "\n  - ".join(problems))


def demo_accounts_present(session) -> list[str]:
    """The demo accounts (app/demo/data.py) found in the database."""
    emails = [email for email, *_ in DEMO_USERS]
    return list(session.scalars(select(User.email).where(func.lower(User.email).in_(emails))))


def init_serving_guard(app: Flask) -> None:
    """In production, answer 503 to every request while demo accounts exist or the debugger is on."""
    if app.config.get("NAME") != "production":
        return
    state = {"clear": False}

    def _refuse_with_demo_accounts() -> None:
        if app.debug:  # `flask run --debug` switches it on after create_app
            app.logger.critical("Refusing to serve: debug mode is on in production")
            abort(503, description="This service is not available: it is running in debug mode.")
        if state["clear"]:
            return
        found = demo_accounts_present(db.session)
        if not found:
            state["clear"] = True
            return
        app.logger.critical("Refusing to serve: demo accounts in the production database: %s", ", ".join(found))
        abort(503, description="This service is not available: its database holds demo accounts.")

    app.before_request(_refuse_with_demo_accounts)
