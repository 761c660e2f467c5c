"""Fixtures for the security tests: a real SMTP sink, a real password-protected Redis, session clocks."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.people.models import User
from devtools.redis_server import start_redis
from devtools.smtp_sink import SmtpSink


@pytest.fixture
def mail_sink(app_config, tmp_path):
    """A real SMTP server on a free loopback port; the app sends to it. Request it before `app`/`client`."""
    sink = SmtpSink(directory=tmp_path / "mail").start()
    app_config["MAIL_PORT"] = sink.port
    yield sink
    sink.stop()


@pytest.fixture(scope="session")
def redis_server():
    """One real, password-protected Redis for the run (tests keep their keys apart by prefix)."""
    server = start_redis()
    yield server
    server.stop()


@pytest.fixture
def redis_limits(app_config, redis_server, request):
    """Throttling counters in the real Redis (REDIS_URL), under a key prefix of this test's own."""
    app_config["REDIS_URL"] = redis_server.url
    app_config["RATELIMIT_STORAGE_URI"] = ""
    app_config["RATELIMIT_KEY_PREFIX"] = f"t-{request.node.name}"[:120]
    return redis_server


def user_by_email(session, email: str):
    """The user row (fresh from the database)."""

    session.expire_all()
    return session.scalar(select(User).where(User.email == email))


def audit_actions(session, email: str | None = None) -> list[str]:
    """The audit actions recorded so far (optionally only those naming an email), oldest first."""

    session.expire_all()
    query = select(AuditEvent).order_by(AuditEvent.id)
    rows = session.scalars(query).all()
    return [r.action for r in rows if email is None or r.actor_email == email or email in (r.detail or "")]
