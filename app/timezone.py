"""The tracker's calendar day is the day in England (Europe/London), whatever the server's clock zone."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def london_today(now: datetime) -> date:
    """The date in England at an aware instant."""
    return now.astimezone(LONDON).date()


def london_time(now: datetime) -> datetime:
    """An aware instant as the time in England."""
    return now.astimezone(LONDON)
