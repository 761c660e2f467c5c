"""The application factory: create_app() builds the Flask app and reads as a list of register steps."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask, redirect, url_for
from werkzeug.middleware.proxy_fix import ProxyFix

import app.audit.models
import app.notifications.models
import app.orgs.models
import app.people.models
import app.reports.models
import app.reviews.history
import app.reviews.models  # noqa: F401  (every model module, so the metadata is complete)
from app.admin import init_admin
from app.database import init_database
from app.demo.cli import demo_cli
from app.extensions import csrf, db, mail, migrate
from app.health import register_health
from app.imports.cli import reviews_cli
from app.logs import register_logging as register_structured_logs
from app.notifications.cli import workflows_cli
from app.orgs.cli import reference_cli
from app.people.cli import users_cli
from app.people.forms import TrackerLoginForm, TrackerVerifyForm
from app.people.mail import OutboxMailUtil, ResetRequestForm
from app.people.passwords import PolicyPasswordUtil
from app.people.recovery_codes import AuditedRecoveryCodes
from app.people.security import init_security
from app.people.totp import ReplayProtectedTotp
from app.privacy.cli import pii_cli
from app.reports.cli import reports_cli
from app.security.errors import init_error_pages
from app.security.headers import init_headers
from app.security.input import init_input_guard
from app.security.production import UnsafeProductionConfig, check_production_config, init_serving_guard
from app.security.redirects import init_redirect_guard
from app.security.sessions import init_session_timeouts
from app.security.throttling import init_throttling
from config import ENV_VAR, ConfigurationError, settings_class
from workflows.celery_app import celery_init_app


def create_app(config_name: str | None = None, overrides: dict[str, Any] | None = None) -> Flask:
    """Build the Flask app for a named configuration (default: the TRACKER_ENV environment variable)."""
    flask_app = Flask("app", instance_path=os.environ.get("TRACKER_INSTANCE_PATH") or str(_default_instance_path()))
    settings = settings_class(config_name or os.environ.get(ENV_VAR))
    try:
        flask_app.config.from_mapping(settings.load(os.environ, Path(flask_app.instance_path)))
    except ValueError as exc:
        raise ConfigurationError(str(exc)) from None
    flask_app.config.update(overrides or {})
    register_logging(flask_app)
    register_production_checks(flask_app)
    register_proxy(flask_app)
    register_extensions(flask_app)
    register_database_waits(flask_app)
    register_security(flask_app)
    register_security_headers(flask_app)
    register_error_pages(flask_app)
    register_redirect_guard(flask_app)
    register_session_timeouts(flask_app)
    register_throttling(flask_app)
    register_admin(flask_app)
    register_celery(flask_app)
    register_views(flask_app)
    register_cli(flask_app)
    return flask_app


def _default_instance_path() -> Path:
    return Path(__file__).resolve().parent.parent / "instance"


def register_production_checks(flask_app: Flask) -> None:
    """Production refuses to start with unsafe settings, and to serve while demo accounts exist."""
    try:
        check_production_config(flask_app)
    except UnsafeProductionConfig as exc:
        raise ConfigurationError(str(exc)) from None
    init_serving_guard(flask_app)


def register_proxy(flask_app: Flask) -> None:
    """Behind TRUSTED_PROXY_COUNT reverse proxies, take the client address and scheme from X-Forwarded-*."""
    count = flask_app.config.get("TRUSTED_PROXY_COUNT", 0)
    if count:
        flask_app.wsgi_app = ProxyFix(flask_app.wsgi_app, x_for=count, x_proto=count, x_host=count)


def register_extensions(flask_app: Flask) -> None:
    """Bind the unbound extensions."""
    db.init_app(flask_app)
    migrate.init_app(flask_app, db, render_as_batch=True, compare_type=True)
    mail.init_app(flask_app)
    csrf.init_app(flask_app)


def register_database_waits(flask_app: Flask) -> None:
    """Statements wait DATABASE_LOCK_WAIT_SECONDS for another writer's lock (SQLite in WAL mode)."""
    init_database(flask_app)


def register_security(flask_app: Flask) -> None:
    """Flask-Security-Too with the tracker's sign-in form, password policy, TOTP replay protection and audited
    recovery codes (handed in here, so app/extensions.py imports no app module); no self-registration."""
    init_security(flask_app, login_form=TrackerLoginForm, password_util_cls=PolicyPasswordUtil,
                  totp_cls=ReplayProtectedTotp, mf_recovery_codes_util_cls=AuditedRecoveryCodes,
                  mail_util_cls=OutboxMailUtil, verify_form=TrackerVerifyForm, forgot_password_form=ResetRequestForm)


def register_security_headers(flask_app: Flask) -> None:
    """CSP with a per-request nonce, nosniff, framing, referrer, HSTS (production), no-store."""
    init_headers(flask_app)


def register_error_pages(flask_app: Flask) -> None:
    """The tracker's own 400/403/404/500/503 pages; NUL bytes in requests refused with a 400."""
    init_error_pages(flask_app)
    init_input_guard(flask_app)


def register_redirect_guard(flask_app: Flask) -> None:
    """`next` / `url` parameters must be paths on this site."""
    init_redirect_guard(flask_app)


def register_session_timeouts(flask_app: Flask) -> None:
    """30-minute idle and 12-hour absolute session timeouts."""
    init_session_timeouts(flask_app)


def register_throttling(flask_app: Flask) -> None:
    """Per-address limits on sign-in, two-factor and reset POSTs (counters in Redis)."""
    init_throttling(flask_app)


def register_admin(flask_app: Flask) -> None:
    """The Flask-Admin screens, each scoped to the signed-in user."""
    init_admin(flask_app)


def register_celery(flask_app: Flask) -> None:
    """Celery bound to this app (the broker is only contacted when a task is sent)."""
    celery_init_app(flask_app)


def register_logging(flask_app: Flask) -> None:
    """Structured logs (JSON lines in production) and one line per request."""
    register_structured_logs(flask_app)


def register_views(flask_app: Flask) -> None:
    """Plain routes outside the admin: the home redirect and /healthz."""
    register_health(flask_app)

    @flask_app.get("/")
    def home():
        return redirect(url_for("admin.index"))


def register_cli(flask_app: Flask) -> None:
    """Command-line groups: reference, users, demo, pii, workflows, reviews, reports."""
    for group in (reference_cli, users_cli, demo_cli, pii_cli, workflows_cli, reviews_cli, reports_cli):
        flask_app.cli.add_command(group)
