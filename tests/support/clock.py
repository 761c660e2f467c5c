"""Run the whole suite at any "now": TRACKER_TEST_NOW=2030-01-02 moves this process's clock there (time-machine).

The clock keeps ticking from the chosen moment, so timeouts, TOTP steps and session ages behave as on a real day.
Every process of one run shares one offset from the real clock (TRACKER_TEST_CLOCK_OFFSET, set by the first
process that starts the clock and inherited by pytest-xdist workers and by the worker subprocesses the tests
start), so the test process, a Celery worker and the live server agree on the time to the millisecond.

What is not moved: time.monotonic / perf_counter (asyncio in the SMTP sink, timeouts), the Redis server's own
clock (its TTLs are relative, and every timestamp Celery and Flask-Limiter compare is written by our processes),
and Chromium's clock (the session cookie has no expiry date; the app checks the session's age itself).
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, time

import time_machine

NOW_VAR = "TRACKER_TEST_NOW"
OFFSET_VAR = "TRACKER_TEST_CLOCK_OFFSET"
DEFAULT_TIME = time(10, 0, tzinfo=UTC)  # a bare date means 10:00 UTC (11:00 or 10:00 in London, never midnight)


def parse_now(value: str) -> datetime:
    """TRACKER_TEST_NOW's moment: an ISO date (10:00 UTC that day) or an ISO date-time (UTC when naive)."""
    value = value.strip()
    try:
        if len(value) == 10:
            return datetime.combine(date.fromisoformat(value), DEFAULT_TIME)
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{NOW_VAR}={value!r} is not an ISO date (2030-01-02) or date-time "
                         "(2030-01-02T23:30:00+00:00)") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def clock_offset(environ=os.environ) -> float | None:
    """Seconds between the run's "now" and the real clock (None when the suite runs at the real time)."""
    if environ.get(OFFSET_VAR):
        return float(environ[OFFSET_VAR])
    if not environ.get(NOW_VAR):
        return None
    offset = parse_now(environ[NOW_VAR]).timestamp() - datetime.now(UTC).timestamp()
    environ[OFFSET_VAR] = repr(offset)  # inherited by every process this one starts
    return offset


def start_test_clock(environ=os.environ) -> time_machine.travel | None:
    """Move this process's clock to the run's "now" (ticking); None when no "now" is asked for."""
    offset = clock_offset(environ)
    if offset is None:
        return None
    traveller = time_machine.travel(datetime.now(UTC).timestamp() + offset, tick=True)
    traveller.start()
    return traveller
