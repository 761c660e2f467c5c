"""Writing to the outbox and the notices, in the caller's transaction. Writing the same key twice is a no-op.

Both use INSERT ... ON CONFLICT DO NOTHING (SQLite and PostgreSQL dialect inserts): a duplicate never raises,
so it never poisons the caller's transaction, and two concurrent writers of one key end with one row.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.notifications.models import PENDING, NotificationNotice, OutboxMessage


def _insert(session: Session, model):
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert(model)
    if dialect == "sqlite":
        return sqlite.insert(model)
    raise RuntimeError(f"the outbox needs SQLite or PostgreSQL, not {dialect}")


@dataclass(frozen=True)
class Email:
    """A rendered email for one recipient."""

    kind: str
    to_address: str
    to_user_id: int | None
    subject: str
    text: str
    html: str
    attachments: tuple[dict, ...] = ()


def enqueue(session: Session, *, dedup_key: str, email: Email, now: datetime) -> int | None:
    """Add an email to the outbox; returns its id, or None when the key was already used (nothing written)."""
    statement = (
        _insert(session, OutboxMessage)
        .values(
            dedup_key=dedup_key, kind=email.kind, recipient_user_id=email.to_user_id,
            recipient_address=email.to_address, subject=email.subject[:300], body_text=email.text,
            body_html=email.html, attachments=list(email.attachments) or None, status=PENDING, attempts=0,
            next_attempt_at=now, created_at=now,
        )
        .on_conflict_do_nothing(index_elements=["dedup_key"])
        .returning(OutboxMessage.id)
    )
    return session.execute(statement).scalar_one_or_none()


@dataclass(frozen=True)
class Notice:
    """One review notified to one person for one reason; `key` makes it happen once."""

    key: str
    kind: str
    review_id: int
    user_id: int | None
    due: date


def claim_notices(session: Session, notices: Iterable[Notice], *, today: date, now: datetime) -> list[Notice]:
    """Insert notices; return those this transaction wrote (a key already written, by anyone, is skipped)."""
    notices = list(notices)
    keys = [n.key for n in notices]
    known: set[str] = set()
    for i in range(0, len(keys), 500):  # skip known keys with one read per 500 (the insert below still decides)
        known.update(session.scalars(select(NotificationNotice.key).where(NotificationNotice.key.in_(keys[i:i + 500]))))
    fresh = [n for n in notices if n.key not in known]
    written: set[str] = set()
    for i in range(0, len(fresh), 500):  # one multi-row INSERT per 500; RETURNING names the rows this one wrote
        statement = (_insert(session, NotificationNotice).on_conflict_do_nothing(index_elements=["key"])
                     .returning(NotificationNotice.key))
        rows = [{"key": n.key, "kind": n.kind, "review_id": n.review_id, "user_id": n.user_id, "due": n.due,
                 "noticed_on": today, "created_at": now} for n in fresh[i:i + 500]]
        written.update(session.scalars(statement, rows))
    return [n for n in fresh if n.key in written]


def link_notices(session: Session, notices: Iterable[Notice], outbox_id: int) -> None:
    """Record which email carried these notices (the review page lists the emails sent about it)."""
    keys = [n.key for n in notices]
    if keys:
        session.query(NotificationNotice).filter(NotificationNotice.key.in_(keys)).update(
            {NotificationNotice.outbox_id: outbox_id}, synchronize_session=False)


def send_grouped(
    session: Session,
    *,
    prefix: str,
    notices: list[Notice],
    render: Callable[[list[Notice]], Email],
    today: date,
    now: datetime,
) -> int | None:
    """Claim the notices and, if any are new, enqueue one email about exactly those; returns the outbox id."""
    claimed = claim_notices(session, notices, today=today, now=now)
    if not claimed:
        return None
    email = render(claimed)
    outbox_id = enqueue(session, dedup_key=group_key(prefix, email, today, claimed), email=email, now=now)
    if outbox_id is not None:
        link_notices(session, claimed, outbox_id)
    return outbox_id


def group_key(prefix: str, email: Email, today: date, notices: list[Notice]) -> str:
    """The outbox key of a grouped email: who, which day, and a digest of exactly which notices it carries."""
    digest = hashlib.sha256("\n".join(sorted(n.key for n in notices)).encode()).hexdigest()[:16]
    return f"{prefix}:{email.to_user_id or email.to_address}:{today.isoformat()}:{digest}"


@dataclass
class JobReport:
    """What one run of a job queued (outbox ids, recipients, subjects) and how many notices it claimed."""

    job: str
    queued: list[tuple[int, str, str]]
    notices: int = 0

    def add(self, outbox_id: int | None, email: Email | None) -> None:
        """Record a queued email (a no-op write is not recorded)."""
        if outbox_id is not None and email is not None:
            self.queued.append((outbox_id, email.to_address, email.subject))

    def lines(self) -> list[str]:
        """Human-readable lines for the CLI and the task log."""
        head = f"{self.job}: queued {len(self.queued)} email(s)"
        return [head, *(f"  #{i} to {to}: {subject}" for i, to, subject in self.queued)]
