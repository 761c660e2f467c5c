"""The relay when another writer holds the database just as an email has been accepted: it waits to mark the email
sent instead of crashing, so the email is never sent twice (a real relay run, the SMTP sink, a held write lock)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from app.extensions import db
from app.imports.writer import take_write_lock
from app.notifications.models import OutboxMessage
from app.notifications.relay import relay
from tests.conftest import BACKEND
from tests.notifications.test_relay import T0, queue, rows

HELD_SECONDS = 3  # three times the wait below: a relay that gives up after one wait crashes


@pytest.fixture
def app_config(app_config):
    """Statements wait one second for a lock (production: 30) so the lock below outlasts a single wait."""
    app_config["DATABASE_LOCK_WAIT_SECONDS"] = 1
    return app_config


class LockAfterAcceptance:
    """When the sink accepts a message, another connection takes the write lock (a large import starting) before
    the sink's 250 reaches the relay, and holds it for HELD_SECONDS."""

    def __init__(self, engine, sink):
        self.engine, self.sink = engine, sink
        self.accepted, self.locked = threading.Event(), threading.Event()
        self.thread = threading.Thread(target=self._hold, daemon=True)

    def __enter__(self) -> LockAfterAcceptance:
        self.sink.on_message = self._on_message
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.sink.on_message = None
        self.accepted.set()
        self.thread.join(timeout=30)

    def _on_message(self, caught) -> None:  # runs before the sink answers 250
        self.accepted.set()
        assert self.locked.wait(10), "the lock was not taken"

    def _hold(self) -> None:
        if not self.accepted.wait(30):
            return
        session = Session(self.engine)
        try:
            if BACKEND == "postgres":
                session.execute(text("LOCK TABLE outbox_message IN SHARE ROW EXCLUSIVE MODE"))
            else:
                take_write_lock(session)
            self.locked.set()
            threading.Event().wait(HELD_SECONDS)
        finally:
            session.rollback()
            session.close()


def test_marking_sent_waits_out_a_held_lock_and_the_email_goes_once(app, session, settings, smtp):
    [outbox_id] = queue(session, 1)
    with LockAfterAcceptance(db.engine, smtp) as lock:
        try:
            report = relay(session, now=T0, settings=settings)
        except Exception as exc:  # what the relay did before: "database is locked", the row left claimed
            session.rollback()
            report = exc
        assert lock.locked.is_set()

    # Long after the claim would have timed out, the relay runs again: nothing more may be sent.
    later = T0 + timedelta(seconds=settings.knobs["claim_timeout_seconds"] + 60)
    again = relay(session, now=later, settings=settings)
    messages = smtp.wait_for(1)
    assert len(messages) == 1, f"sent {len(messages)} times: {[m.message()['Message-ID'] for m in messages]}"
    assert again.sent == []
    assert not isinstance(report, Exception), f"the relay crashed: {report}"
    assert report.sent == [outbox_id]
    row = rows(session)[outbox_id]
    assert row.status == "sent" and row.claim_token is None and row.attempts == 1
    assert session.get(OutboxMessage, outbox_id).sent_at is not None
