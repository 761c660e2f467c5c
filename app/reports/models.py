"""Stored figures: a computed dashboard kept for a few minutes (app/reports/snapshots.py), and the period returns a
national admin signed off (app/reports/returns.py), kept exactly as sent and never changed."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Integer, LargeBinary, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.types import UTCDateTime


class FigureSnapshot(db.Model):
    """One computed set of figures under a key naming what, for whom and for which day."""

    __tablename__ = "figure_snapshot"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    payload: Mapped[str] = mapped_column(Text)


class PeriodReturn(db.Model):
    """A period's return as signed off: the exact figures and extract files sent. Rows are never updated or
    deleted (the app refuses; the database refuses too); a correction is a new revision."""

    __tablename__ = "period_return"
    __table_args__ = (UniqueConstraint("period_code", "scope_code", "geography", "revision",
                                       name="uq_period_return_revision"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    period_code: Mapped[str] = mapped_column(String(10), index=True)
    scope_code: Mapped[str] = mapped_column(String(5), index=True)
    geography: Mapped[str] = mapped_column(String(10))
    revision: Mapped[int] = mapped_column(Integer)
    as_at: Mapped[date] = mapped_column(Date)
    signed_off_at: Mapped[datetime] = mapped_column(UTCDateTime())
    signed_off_by_id: Mapped[int | None] = mapped_column(Integer)
    signed_off_by: Mapped[str] = mapped_column(String(255))
    note: Mapped[str | None] = mapped_column(Text)
    figures: Mapped[str] = mapped_column(Text)  # JSON: the report's tables and preamble, as sent
    extract_rows: Mapped[int] = mapped_column(Integer)
    extract_csv: Mapped[bytes] = mapped_column(LargeBinary)
    extract_xlsx: Mapped[bytes] = mapped_column(LargeBinary)
    extract_sha256: Mapped[str] = mapped_column(String(64))  # of the CSV file


class ReturnImmutableError(RuntimeError):
    """Raised when code tries to change or delete a signed-off return."""


@event.listens_for(PeriodReturn, "before_update")
def _refuse_update(mapper, connection, target):
    raise ReturnImmutableError("a signed-off return cannot be changed; sign off a new revision")


@event.listens_for(PeriodReturn, "before_delete")
def _refuse_delete(mapper, connection, target):
    raise ReturnImmutableError("a signed-off return cannot be deleted")
