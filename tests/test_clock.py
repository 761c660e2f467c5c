"""TRACKER_TEST_NOW moves the clock of every process of a run to one moment (tests/support/clock.py)."""

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.support.clock import NOW_VAR, OFFSET_VAR, clock_offset, parse_now

ROOT = Path(__file__).resolve().parent.parent


def test_a_bare_date_means_ten_in_the_morning_utc_and_a_naive_time_means_utc():
    assert parse_now("2030-01-02") == datetime(2030, 1, 2, 10, 0, tzinfo=UTC)
    assert parse_now("2027-06-30T23:30:00") == datetime(2027, 6, 30, 23, 30, tzinfo=UTC)
    assert parse_now("2027-06-30T23:30:00+01:00") == datetime(2027, 6, 30, 22, 30, tzinfo=UTC)


def test_a_malformed_now_is_refused_with_the_variable_named():
    with pytest.raises(ValueError, match="TRACKER_TEST_NOW='next tuesday' is not an ISO date"):
        parse_now("next tuesday")


def test_no_now_means_the_real_clock():
    assert clock_offset({}) is None


def test_the_first_process_fixes_the_offset_for_every_process_it_starts():
    environ = {NOW_VAR: "2030-01-02"}
    offset = clock_offset(environ)
    assert environ[OFFSET_VAR] == repr(offset)
    assert clock_offset({NOW_VAR: "1999-01-01", OFFSET_VAR: environ[OFFSET_VAR]}) == offset  # inherited wins


def test_a_subprocess_started_under_a_moved_clock_lives_on_the_same_day():
    code = ("import json, datetime; from tests.support.clock import start_test_clock; start_test_clock(); "
            "from app.timezone import london_today; from app.types import utcnow; "
            "print(json.dumps([datetime.date.today().isoformat(), london_today(utcnow()).isoformat()]))")
    env = {**os.environ, NOW_VAR: "2030-01-02"}
    env.pop(OFFSET_VAR, None)
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                            check=True)
    assert json.loads(result.stdout) == ["2030-01-02", "2030-01-02"]


def test_this_run_is_on_the_day_it_was_asked_for():
    asked = os.environ.get(NOW_VAR)
    today = datetime.now(UTC).date()
    if asked:
        assert abs((today - parse_now(asked).date()).days) <= 1  # the clock ticks on from the moment asked for
    else:
        assert OFFSET_VAR not in os.environ  # nothing moved the clock of a run that asked for none
