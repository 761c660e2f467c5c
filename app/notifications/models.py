"""The outbox (every email the tracker sends) and the notices (which review was notified to whom, for what)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.types import UTCDateTime, utcnow

PENDING, SENDING, SENT, FAILED = "pending", "sending", "sent", "failed"
OUTBOX_STATUSES = (PENDING, SENDING, SENT, FAILED)


class OutboxMessage(db.Model):
    """One email, written in the same transaction as the decision to send it; the relay sends it once."""

    __tablename__ = "outbox_message"
    __table_args__ = (Index("ix_outbox_message_status_next_attempt", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dedup_key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    recipient_user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"), index=True)
    recipient_address: Mapped[str] = mapped_column(String(255))
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    # [{"filename": ..., "content_type": "text/csv", "text": ...}]
    attachments: Mapped[list | None] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(10), default=PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claim_token: Mapped[str | None] = mapped_column(String(32))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    @property
    def message_id(self) -> str:
        """The local part of the Message-ID header: derived from the outbox id, so a resend keeps it."""
        return f"outbox-{self.id}"

    def __str__(self) -> str:
        return f"#{self.id} {self.kind} to {self.recipient_address}"


class NotificationNotice(db.Model):
    """That one review was notified to one person for one reason (a stale round, a chase, an escalation).

    The unique `key` is what makes a chase or a reminder round happen once; "after N unanswered reminders
    escalate" counts these rows. Several notices share one grouped email (outbox_id).
    """

    __tablename__ = "notification_notice"
    __table_args__ = (Index("ix_notification_notice_review_kind_due", "review_id", "kind", "due"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"), index=True)
    due: Mapped[date] = mapped_column(Date)  # the clock's due date, or the reminder round's date
    noticed_on: Mapped[date] = mapped_column(Date)  # the London date of the decision
    outbox_id: Mapped[int | None] = mapped_column(ForeignKey("outbox_message.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
