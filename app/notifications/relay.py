"""The outbox relay: claim pending emails, send them over SMTP with a timeout, mark them sent, back off on failure.

Claiming: PostgreSQL `SELECT ... FOR UPDATE SKIP LOCKED` (concurrent relays take disjoint rows); SQLite an
atomic conditional `UPDATE ... WHERE id = ? AND status = 'pending'` per row (one writer at a time). A claim
is committed before sending, and carries a random token; only the holder of the token can mark the row sent.
A row claimed longer ago than `claim_timeout_seconds` (a relay that died) is claimable again.

At least once, with one unavoidable window: if the process dies after the SMTP server accepted a message and
before the row is marked sent, the message goes again (once) after the claim times out. The window is kept to
one message and milliseconds: each row is marked sent and committed right after its 250 reply, and the
Message-ID (`<outbox-ID@domain>`) is the same on both copies so mail systems can recognise the duplicate.

Another writer holding the database (a large import on SQLite) must not reopen that window: recording an outcome
waits for the lock (DATABASE_LOCK_WAIT_SECONDS per try, app/database.py) and tries again until shortly before the
claim could be taken over (`claim_timeout_seconds` less the SMTP timeout), so an accepted email is never left
looking unsent. Only a lock held longer than that, or a relay that dies, can still send one email twice.
"""

from __future__ import annotations

import logging
import smtplib
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime

from sqlalchemy import and_, or_, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from app.database import is_busy
from app.notifications.account_mail import after_sending
from app.notifications.models import FAILED, PENDING, SENDING, SENT, OutboxMessage
from app.notifications.settings import NotificationSettings

# Python folds a header that does not fit 78 columns by moving the whole value to the next line, which some
# parsers read back with a leading space; subjects stay on one line (RFC 5322 allows up to 998 characters).
HEADER_POLICY = policy.SMTP.clone(max_line_length=998)
BUSY_PAUSE_SECONDS = 1.0  # between two tries to record an outcome while the database is busy
log = logging.getLogger(__name__)


@dataclass
class RelayReport:
    """What one relay run did."""

    sent: list[int] = field(default_factory=list)
    retrying: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)

    def lines(self) -> list[str]:
        """Human-readable summary for the CLI and the task log."""
        return [f"relay: sent {len(self.sent)}, will retry {len(self.retrying)}, failed {len(self.failed)}"]


def claimable(now: datetime, claim_timeout: int):
    """Rows the relay may take: pending and due, or claimed by a relay that stopped answering."""
    return or_(
        and_(OutboxMessage.status == PENDING, OutboxMessage.next_attempt_at <= now),
        and_(OutboxMessage.status == SENDING, OutboxMessage.claimed_at < now - timedelta(seconds=claim_timeout)),
    )


def _claim_values(token: str, now: datetime) -> dict:
    return {"status": SENDING, "claimed_at": now, "claim_token": token, "attempts": OutboxMessage.attempts + 1}


def _claim_each(session: Session, candidates: list[int], condition, token: str, now: datetime) -> list[int]:
    """One conditional UPDATE per row: a row another relay took meanwhile is skipped."""
    ids = []
    for candidate in candidates:
        result = session.execute(update(OutboxMessage).where(OutboxMessage.id == candidate, condition)
                                 .values(**_claim_values(token, now)))
        if result.rowcount == 1:
            ids.append(candidate)
    return ids


def claim_batch(session: Session, *, now: datetime, settings: NotificationSettings) -> tuple[str, list[int]]:
    """Claim up to relay_batch_size rows for this relay and commit; returns (claim token, ids)."""
    knobs = settings.knobs
    token = uuid.uuid4().hex
    condition = claimable(now, knobs["claim_timeout_seconds"])
    query = select(OutboxMessage.id).where(condition).order_by(OutboxMessage.id).limit(knobs["relay_batch_size"])
    if session.get_bind().dialect.name == "postgresql":
        ids = list(session.scalars(query.with_for_update(skip_locked=True)))
        if ids:
            session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(ids)).values(**_claim_values(token, now)))
    else:
        ids = _claim_each(session, list(session.scalars(query)), condition, token, now)
    session.commit()
    return token, ids


def send_now(session: Session, ids: list[int], *, now: datetime, settings: NotificationSettings) -> RelayReport:
    """Claim and send these just-queued emails at once (an account email after its request); a row another relay
    took already, or one that fails, is left to the relay's schedule and backoff."""
    token = uuid.uuid4().hex
    claimed = _claim_each(session, sorted(ids), OutboxMessage.status == PENDING, token, now)
    session.commit()
    return send_batch(session, token, claimed, now=now, settings=settings) if claimed else RelayReport()


def build_message(row: OutboxMessage, settings: NotificationSettings, *, now: datetime) -> EmailMessage:
    """The MIME message of an outbox row: text and HTML alternatives, attachments, Message-ID from the id."""
    message = EmailMessage(policy=HEADER_POLICY)
    message["Subject"] = row.subject
    message["From"] = settings.sender
    message["To"] = row.recipient_address
    message["Date"] = format_datetime(row.created_at or now)
    message["Message-ID"] = f"<{row.message_id}@{settings.message_id_domain}>"
    message["Auto-Submitted"] = "auto-generated"
    message["X-Tracker-Kind"] = row.kind
    message.set_content(row.body_text)
    message.add_alternative(row.body_html, subtype="html")
    for attachment in row.attachments or []:
        maintype, _, subtype = attachment.get("content_type", "text/plain").partition("/")
        message.add_attachment(attachment["text"].encode("utf-8"), maintype=maintype, subtype=subtype or "plain",
                               filename=attachment["filename"])
    return message


def _connect(settings: NotificationSettings) -> smtplib.SMTP:
    smtp = settings.smtp
    timeout = settings.knobs["smtp_timeout_seconds"]
    cls = smtplib.SMTP_SSL if smtp.get("use_ssl") else smtplib.SMTP
    connection = cls(smtp["host"], smtp["port"], timeout=timeout)
    if smtp.get("use_tls") and not smtp.get("use_ssl"):
        connection.starttls()
    if smtp.get("username"):
        connection.login(smtp["username"], smtp.get("password") or "")
    return connection


def _permanent(exc: Exception) -> bool:
    """A 5xx answer about the recipient or the message: retrying will not help."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(500 <= code < 600 for code, _ in exc.recipients.values())
    return isinstance(exc, smtplib.SMTPResponseException) and 500 <= exc.smtp_code < 600 and not isinstance(
        exc, smtplib.SMTPServerDisconnected)


def _mark(session: Session, row_id: int, token: str, *, until: float | None = None, clock=time.monotonic,
          **values) -> None:
    """Record a claimed row's outcome and commit; while the database is busy, try again until `until` (clock time)."""
    statement = (update(OutboxMessage).where(OutboxMessage.id == row_id, OutboxMessage.claim_token == token)
                 .values(**values))
    while True:
        try:
            session.execute(statement)
            session.commit()
            return
        except OperationalError as exc:
            session.rollback()
            if not is_busy(exc) or until is None or clock() >= until:
                raise
            log.warning("outbox email %s: the database is busy; still waiting to record it as %s", row_id,
                        values.get("status"))
            time.sleep(BUSY_PAUSE_SECONDS)


def _failure(session: Session, row: OutboxMessage, token: str, exc: Exception, *, now: datetime,
             settings: NotificationSettings, report: RelayReport, until: float | None = None, clock=time.monotonic
             ) -> None:
    knobs = settings.knobs
    error = f"{type(exc).__name__}: {exc}"[:2000]
    row_id, attempts = row.id, row.attempts
    if _permanent(exc) or attempts >= knobs["relay_max_attempts"]:
        _mark(session, row_id, token, until=until, clock=clock, status=FAILED, last_error=error, claim_token=None)
        report.failed.append(row_id)
        return
    backoff = knobs["relay_backoff_seconds"]
    delay = backoff[min(attempts - 1, len(backoff) - 1)]
    _mark(session, row_id, token, until=until, clock=clock, status=PENDING, last_error=error, claim_token=None,
          next_attempt_at=now + timedelta(seconds=delay))
    report.retrying.append(row_id)


def send_batch(session: Session, token: str, ids: list[int], *, now: datetime, settings: NotificationSettings,
               clock=time.monotonic) -> RelayReport:
    """Send the claimed rows over one SMTP connection; each row is committed as sent right after its 250."""
    report = RelayReport()
    knobs = settings.knobs
    started = clock()
    budget = knobs["claim_timeout_seconds"] / 2  # never still sending when the claim may be taken over
    # Outcomes are recorded, however busy the database, until just before another relay could take the claim.
    record = {"until": started + knobs["claim_timeout_seconds"] - knobs["smtp_timeout_seconds"], "clock": clock}
    pause = knobs.get("relay_send_interval_seconds", 0)
    rows = session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(ids), OutboxMessage.claim_token == token)
                           .order_by(OutboxMessage.id)).all()
    connection = None
    try:
        for index, row in enumerate(rows):
            row_id, kind = row.id, row.kind
            if clock() - started > budget:
                _mark(session, row_id, token, **record, status=PENDING, claim_token=None, attempts=row.attempts - 1)
                continue
            if row.attempts > knobs["relay_max_attempts"]:  # claimed again and again by relays that died
                _mark(session, row_id, token, **record, status=FAILED, claim_token=None,
                      last_error=row.last_error or "the relay stopped while sending this email too many times")
                report.failed.append(row_id)
                continue
            try:
                if connection is None:
                    connection = _connect(settings)
                connection.send_message(build_message(row, settings, now=now), to_addrs=[row.recipient_address])
            except smtplib.SMTPRecipientsRefused as exc:
                _failure(session, row, token, exc, now=now, settings=settings, report=report, **record)
                continue
            except (smtplib.SMTPException, OSError) as exc:
                if connection is not None:
                    _close(connection)
                    connection = None
                if isinstance(exc, smtplib.SMTPResponseException) and not isinstance(
                        exc, smtplib.SMTPServerDisconnected | smtplib.SMTPConnectError):
                    _failure(session, row, token, exc, now=now, settings=settings, report=report, **record)
                    continue
                for waiting in rows[index:]:  # the server cannot be reached: the whole batch waits
                    _failure(session, waiting, token, exc, now=now, settings=settings, report=report, **record)
                break
            _mark(session, row_id, token, **record, status=SENT, sent_at=now, claim_token=None, last_error=None,
                  **after_sending(kind))
            report.sent.append(row_id)
            if pause:
                time.sleep(pause)
    finally:
        if connection is not None:
            _close(connection)
    return report


def _close(connection: smtplib.SMTP) -> None:
    try:
        connection.quit()
    except (smtplib.SMTPException, OSError):
        connection.close()


def relay(session: Session, *, now: datetime, settings: NotificationSettings, max_batches: int = 20,
          now_fn=None) -> RelayReport:
    """Claim and send batches until nothing is claimable (or max_batches); returns what was done."""
    total = RelayReport()
    for _ in range(max_batches):
        current = now_fn() if now_fn else now
        token, ids = claim_batch(session, now=current, settings=settings)
        if not ids:
            break
        done = send_batch(session, token, ids, now=current, settings=settings)
        total.sent += done.sent
        total.retrying += done.retrying
        total.failed += done.failed
    return total


def retry_failed(session: Session, message: OutboxMessage, *, now: datetime) -> None:
    """Put a failed email back in the queue with a fresh attempt count (the caller audits and commits)."""
    if message.status != FAILED:
        raise ValueError("only a failed email can be retried")
    message.status, message.attempts, message.next_attempt_at = PENDING, 0, now
    message.claim_token = message.claimed_at = None
