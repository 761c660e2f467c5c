"""/healthz answers without signing in and without data; production logs are JSON lines."""

import io
import json
import logging

import pytest

from app.logs import JsonFormatter
from devtools.redis_server import start_redis


@pytest.fixture
def redis_server():
    server = start_redis()
    yield server
    server.stop()


def test_healthz_reports_database_and_redis(app, client, redis_server):
    app.config["REDIS_URL"] = redis_server.url
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json["status"] == "ok" and response.json["database"] == "ok" and response.json["redis"] == "ok"
    assert set(response.json) == {"status", "database", "redis", "checked_in_ms"}
    redis_server.stop()
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json["redis"] == "unreachable"


def test_healthz_without_redis_configured_is_unavailable(app, client):
    app.config["REDIS_URL"] = ""
    assert client.get("/healthz").status_code == 503


def test_json_log_lines(app, client):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("tracker.request")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        client.get("/healthz")
    finally:
        logger.removeHandler(handler)
        logger.setLevel(logging.NOTSET)
    request = json.loads(stream.getvalue().splitlines()[-1])
    assert request["path"] == "/healthz" and request["status"] in (200, 503) and request["time"].endswith("+00:00")
    assert "duration_ms" in request and "query" not in request
