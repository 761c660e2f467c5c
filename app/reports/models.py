"""Stored figures: a computed dashboard kept for a few minutes (app/reports/snapshots.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.types import UTCDateTime


class FigureSnapshot(db.Model):
    """One computed set of figures under a key naming what, for whom and for which day."""

    __tablename__ = "figure_snapshot"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    payload: Mapped[str] = mapped_column(Text)
