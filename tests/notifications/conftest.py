"""Notification tests: every app sends mail to the real SMTP sink; helpers to run jobs and the relay."""

from __future__ import annotations

from datetime import datetime

import pytest

from app.notifications.jobs import run_scan
from app.notifications.relay import relay
from app.notifications.settings import NotificationSettings
from app.types import utcnow


@pytest.fixture
def app_config(app_config, smtp):
    """Mail goes to the SMTP sink; links point at a recognisable base URL."""
    app_config.update(MAIL_SERVER=smtp.host, MAIL_PORT=smtp.port, BASE_URL="https://tracker.example.com")
    return app_config


@pytest.fixture
def settings(app) -> NotificationSettings:
    """The notification settings of the test app."""
    return NotificationSettings.from_config(app.config)


@pytest.fixture
def jobs(session, settings):
    """run(job, now) runs a scan and commits; deliver() relays everything pending to the sink."""

    class Jobs:
        def run(self, job: str, now: datetime):
            report = run_scan(session, job, now=now, settings=settings)
            session.commit()
            return report

        def deliver(self, now: datetime | None = None):
            return relay(session, now=now or utcnow(), settings=settings)

    return Jobs()
