"""`/healthz`: is the database reachable, is Redis reachable. No authentication and no data."""

from __future__ import annotations

import time

import redis
from flask import Flask, current_app, jsonify
from sqlalchemy import text

from app.extensions import db


def database_ok() -> bool:
    """Whether a trivial query succeeds."""
    try:
        db.session.execute(text("SELECT 1"))
        return True
    except Exception:
        db.session.rollback()
        return False


def redis_ok(url: str) -> bool:
    """Whether Redis answers PING within a second."""
    if not url:
        return False
    client = redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1, retry_on_timeout=False)
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False
    finally:
        client.close()


def register_health(app: Flask) -> None:
    """Add the /healthz route."""

    @app.get("/healthz")
    def healthz():
        started = time.perf_counter()
        checks = {"database": database_ok(), "redis": redis_ok(current_app.config.get("REDIS_URL", ""))}
        healthy = all(checks.values())
        body = {"status": "ok" if healthy else "unavailable",
                **{name: "ok" if ok else "unreachable" for name, ok in checks.items()},
                "checked_in_ms": round((time.perf_counter() - started) * 1000, 1)}
        response = jsonify(body)
        response.status_code = 200 if healthy else 503
        response.headers["Cache-Control"] = "no-store"
        return response
