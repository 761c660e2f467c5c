"""The relay against a real SMTP server: SMTP down or refusing, backoff, giving up, a dead relay's claim, retry."""

from __future__ import annotations

import dataclasses
import threading
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from app.extensions import db
from app.notifications.models import OutboxMessage
from app.notifications.outbox import Email, enqueue
from app.notifications.relay import claim_batch, relay, retry_failed

T0 = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)


def queue(session, n: int, now=T0) -> list[int]:
    ids = []
    for i in range(n):
        email = Email("chaser", f"person{i}@example.com", None, f"Subject {i}", f"text {i}", f"<p>html {i}</p>",
                      ({"filename": "rows.csv", "content_type": "text/csv", "text": "a,b\n1,2\n"},))
        ids.append(enqueue(session, dedup_key=f"test:{i}", email=email, now=now))
    session.commit()
    return ids


def rows(session) -> dict[int, OutboxMessage]:
    session.expire_all()
    return {r.id: r for r in session.scalars(select(OutboxMessage))}


def test_same_key_twice_is_a_no_op_inside_one_transaction(session):
    email = Email("chaser", "a@example.com", None, "S", "t", "h")
    first = enqueue(session, dedup_key="k:1", email=email, now=T0)
    second = enqueue(session, dedup_key="k:1", email=email, now=T0)
    third = enqueue(session, dedup_key="k:2", email=email, now=T0)  # the transaction is still usable
    session.commit()
    assert first is not None and second is None and third is not None
    assert len(rows(session)) == 2


def test_a_message_carries_text_html_attachment_and_its_outbox_message_id(session, settings, smtp):
    [oid] = queue(session, 1)
    assert relay(session, now=T0, settings=settings).sent == [oid]
    message = smtp.wait_for(1)[0].message()
    assert message["Message-ID"] == f"<outbox-{oid}@tracker.example.com>"
    assert message.get_body(("plain",)).get_content().strip() == "text 0"
    assert "html 0" in message.get_body(("html",)).get_content()
    assert [a.get_filename() for a in message.iter_attachments()] == ["rows.csv"]
    assert rows(session)[oid].status == "sent" and rows(session)[oid].sent_at == T0


def test_smtp_down_emails_wait_with_backoff_and_go_once_it_is_back(session, settings, smtp):
    ids = queue(session, 3)
    smtp.pause()
    report = relay(session, now=T0, settings=settings)
    assert sorted(report.retrying) == ids and report.sent == []
    waiting = rows(session)
    assert {(r.status, r.attempts, r.next_attempt_at) for r in waiting.values()} == {
        ("pending", 1, T0 + timedelta(seconds=60))}
    assert "ConnectionRefusedError" in waiting[ids[0]].last_error
    smtp.resume()
    assert relay(session, now=T0 + timedelta(seconds=30), settings=settings).sent == []  # backing off
    assert sorted(relay(session, now=T0 + timedelta(seconds=61), settings=settings).sent) == ids
    smtp.wait_for(3)
    assert relay(session, now=T0 + timedelta(hours=5), settings=settings).sent == []
    assert sorted(m.message()["To"] for m in smtp.messages) == [f"person{i}@example.com" for i in range(3)]


def test_temporary_refusals_back_off_then_fail_after_the_limit_and_a_retry_sends(session, settings, smtp):
    [oid] = queue(session, 1)
    smtp.refuse(True)
    now = T0
    delays = []
    for _ in range(settings.knobs["relay_max_attempts"]):
        relay(session, now=now, settings=settings)
        row = rows(session)[oid]
        if row.status == "failed":
            break
        delays.append(int((row.next_attempt_at - now).total_seconds()))
        now = row.next_attempt_at
    assert delays == settings.knobs["relay_backoff_seconds"]
    row = rows(session)[oid]
    assert (row.status, row.attempts) == ("failed", 6) and "451" in row.last_error
    assert relay(session, now=now + timedelta(days=1), settings=settings).sent == []
    smtp.refuse(False)
    retry_failed(session, row, now=now)
    session.commit()
    assert relay(session, now=now, settings=settings).sent == [oid]
    assert len(smtp.wait_for(1)) == 1


def test_a_claim_left_by_a_dead_relay_is_taken_again_after_the_timeout(session, settings, smtp):
    ids = queue(session, 2)
    _token, claimed = claim_batch(session, now=T0, settings=settings)  # a relay claims, then dies before sending
    assert claimed == ids
    assert claim_batch(session, now=T0 + timedelta(seconds=599), settings=settings)[1] == []
    later = T0 + timedelta(seconds=settings.knobs["claim_timeout_seconds"] + 1)
    assert sorted(relay(session, now=later, settings=settings).sent) == ids
    assert len(smtp.wait_for(2)) == 2
    # The dead relay's token can no longer mark anything.
    assert all(r.claim_token is None and r.status == "sent" for r in rows(session).values())


def test_two_relays_at_once_send_each_email_once(app, session, settings, smtp):
    ids = queue(session, 24)
    small_batches = dataclasses.replace(settings, knobs={**settings.knobs, "relay_batch_size": 3})
    sent: list[list[int]] = []

    def run() -> None:
        with app.app_context():
            sent.append(relay(db.session, now=T0, settings=small_batches).sent)
            db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(sent[0] + sent[1]) == ids  # disjoint claims, together everything
    message_ids = [m.message()["Message-ID"] for m in smtp.wait_for(24)]
    assert len(message_ids) == len(set(message_ids)) == 24
