"""Publishing jobs to the workers while Redis (the broker) is down: one clear line and a failing exit status, not a
traceback; nothing is half-published."""

from __future__ import annotations

import pytest

from devtools.ports import free_port


@pytest.fixture
def app_config(app_config):
    """The broker is a Redis address where nothing listens (a stopped Redis)."""
    app_config["REDIS_URL"] = f"redis://:not-the-password@127.0.0.1:{free_port()}/0"
    return app_config


def test_publishing_with_redis_down_says_so_in_one_line(app):
    result = app.test_cli_runner().invoke(args=["workflows", "run", "all", "--via-worker"])
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), result.exception  # click's error exit, not a crash
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert "Redis" in lines[0] and "not-the-password" not in lines[0]
    assert "Traceback" not in result.output
