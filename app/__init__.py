"""The Safeguarding Case Review Tracker web application: create_app() reads as a list of register steps."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask, redirect, url_for

from config import ENV_VAR, ConfigurationError, settings_class


def create_app(config_name: str | None = None, overrides: dict[str, Any] | None = None) -> Flask:
    """Build the Flask app for a named configuration (default: the TRACKER_ENV environment variable)."""
    app = Flask(__name__, instance_path=os.environ.get("TRACKER_INSTANCE_PATH") or str(_default_instance_path()))
    settings = settings_class(config_name or os.environ.get(ENV_VAR))
    try:
        app.config.from_mapping(settings.load(os.environ, Path(app.instance_path)))
    except ValueError as exc:
        raise ConfigurationError(str(exc)) from None
    app.config.update(overrides or {})
    register_logging(app)
    register_production_checks(app)
    register_proxy(app)
    register_extensions(app)
    register_models()
    register_security(app)
    register_security_headers(app)
    register_redirect_guard(app)
    register_session_timeouts(app)
    register_throttling(app)
    register_admin(app)
    register_celery(app)
    register_views(app)
    register_cli(app)
    return app


def _default_instance_path() -> Path:
    return Path(__file__).resolve().parent.parent / "instance"


def register_production_checks(app: Flask) -> None:
    """Production refuses to start with unsafe settings, and to serve while demo accounts exist."""
    from app.security.production import UnsafeProductionConfig, check_production_config, init_serving_guard

    try:
        check_production_config(app)
    except UnsafeProductionConfig as exc:
        raise ConfigurationError(str(exc)) from None
    init_serving_guard(app)


def register_proxy(app: Flask) -> None:
    """Behind TRUSTED_PROXY_COUNT reverse proxies, take the client address and scheme from X-Forwarded-*."""
    count = app.config.get("TRUSTED_PROXY_COUNT", 0)
    if count:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)


def register_extensions(app: Flask) -> None:
    """Bind the unbound extensions."""
    from app.extensions import csrf, db, mail, migrate

    db.init_app(app)
    migrate.init_app(app, db, render_as_batch=True, compare_type=True)
    mail.init_app(app)
    csrf.init_app(app)


def register_models() -> None:
    """Import every model module so the metadata is complete (migrations, create_all)."""
    import app.audit.models
    import app.notifications.models
    import app.orgs.models
    import app.people.models
    import app.reports.models
    import app.reviews.history
    import app.reviews.models  # noqa: F401


def register_security(app: Flask) -> None:
    """Flask-Security-Too: sign-in, sign-out, password reset by email; no self-registration."""
    from app.people.security import init_security

    init_security(app)


def register_security_headers(app: Flask) -> None:
    """CSP with a per-request nonce, nosniff, framing, referrer, HSTS (production), no-store."""
    from app.security.headers import init_headers

    init_headers(app)


def register_redirect_guard(app: Flask) -> None:
    """`next` / `url` parameters must be paths on this site."""
    from app.security.redirects import init_redirect_guard

    init_redirect_guard(app)


def register_session_timeouts(app: Flask) -> None:
    """30-minute idle and 12-hour absolute session timeouts."""
    from app.security.sessions import init_session_timeouts

    init_session_timeouts(app)


def register_throttling(app: Flask) -> None:
    """Per-address limits on sign-in, two-factor and reset POSTs (counters in Redis)."""
    from app.security.throttling import init_throttling

    init_throttling(app)


def register_admin(app: Flask) -> None:
    """The Flask-Admin screens, each scoped to the signed-in user."""
    from app.admin import init_admin

    init_admin(app)


def register_celery(app: Flask) -> None:
    """Celery bound to this app (the broker is only contacted when a task is sent)."""
    from workflows.celery_app import celery_init_app

    celery_init_app(app)


def register_logging(app: Flask) -> None:
    """Structured logs (JSON lines in production) and one line per request."""
    from app.logs import register_logging as register

    register(app)


def register_views(app: Flask) -> None:
    """Plain routes outside the admin: the home redirect and /healthz."""
    from app.health import register_health

    register_health(app)

    @app.get("/")
    def home():
        return redirect(url_for("admin.index"))


def register_cli(app: Flask) -> None:
    """Command-line groups: reference, users, demo, pii, workflows, reviews, reports."""
    from app.demo.cli import demo_cli
    from app.imports.cli import reviews_cli
    from app.notifications.cli import workflows_cli
    from app.orgs.cli import reference_cli
    from app.people.cli import users_cli
    from app.privacy.cli import pii_cli
    from app.reports.cli import reports_cli

    for group in (reference_cli, users_cli, demo_cli, pii_cli, workflows_cli, reviews_cli, reports_cli):
        app.cli.add_command(group)
