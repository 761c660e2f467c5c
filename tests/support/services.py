"""Real services for tests, shared by any test module: a password-protected Redis and an SMTP sink for the whole
run, a Celery worker bound to the test's app, and helpers to read the mail that arrived.

tests/conftest.py loads this module as a plugin, so every test module can ask for `redis_service`, `smtp`,
`mail_app_config`, `celery_worker`. Nothing here is a mock: Redis is redis-server, the sink is aiosmtpd, the
worker is Celery's own (solo pool) reading the test's FILE database.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage

import pytest
from celery.contrib.testing.worker import start_worker

from devtools.redis_server import RedisServer, start_redis
from devtools.smtp_sink import SmtpSink


@pytest.fixture(scope="session")
def redis_service() -> Iterator[RedisServer]:
    """One redis-server (random password, free port) for the whole run."""
    server = start_redis()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def smtp_service() -> Iterator[SmtpSink]:
    """One SMTP sink for the whole run (tests use the `smtp` fixture, which resets it)."""
    sink = SmtpSink().start()
    yield sink
    sink.stop()


@pytest.fixture
def smtp(smtp_service: SmtpSink) -> Iterator[SmtpSink]:
    """The SMTP sink, emptied, listening and accepting mail; restored after the test."""
    smtp_service.refuse(False)
    if not smtp_service.running:
        smtp_service.resume()
    smtp_service.clear()
    yield smtp_service
    smtp_service.refuse(False)
    if not smtp_service.running:
        smtp_service.resume()
    smtp_service.clear()


@pytest.fixture
def mail_app_config(app_config: dict, smtp: SmtpSink) -> dict:
    """The test app's configuration with mail going to the sink (ask for it before `app`)."""
    app_config.update(MAIL_SERVER=smtp.host, MAIL_PORT=smtp.port, BASE_URL="https://tracker.example.com")
    return app_config


@pytest.fixture
def broker_app_config(mail_app_config: dict, redis_service: RedisServer) -> dict:
    """The test app's configuration with the real Redis as the Celery broker (emptied first)."""
    client = redis_service.client()
    client.flushall()
    client.close()
    mail_app_config["REDIS_URL"] = redis_service.url
    return mail_app_config


@contextmanager
def running_worker(app) -> Iterator[object]:
    """A Celery worker (solo pool, in a thread) consuming the app's broker; stopped on exit."""

    celery_app = app.extensions["celery"]
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=20.0,
                      loglevel="WARNING") as worker:
        yield worker


def parsed(sink: SmtpSink) -> list[EmailMessage]:
    """Every message the sink received, parsed, oldest first."""
    return [m.message() for m in sink.messages]


def by_recipient(sink: SmtpSink) -> dict[str, list[EmailMessage]]:
    """Messages grouped by their To address."""
    found: dict[str, list[EmailMessage]] = {}
    for message in parsed(sink):
        found.setdefault(str(message["To"]), []).append(message)
    return found


def text_of(message: EmailMessage) -> str:
    """The plain-text body."""
    return message.get_body(preferencelist=("plain",)).get_content()


def html_of(message: EmailMessage) -> str:
    """The HTML body."""
    return message.get_body(preferencelist=("html",)).get_content()


def csv_rows(message: EmailMessage) -> list[dict[str, str]]:
    """The rows of the message's CSV attachment (header as keys)."""
    for part in message.iter_attachments():
        if part.get_content_type() == "text/csv":
            content = part.get_content()
            text = content.decode("utf-8") if isinstance(content, bytes) else content
            return list(csv.DictReader(io.StringIO(text)))
    raise AssertionError(f"no CSV attachment in {message['Subject']!r}")
