"""Logging: one JSON object per line in production (LOG_FORMAT=json), readable text in development."""

from __future__ import annotations

import json
import logging
import sys
import time
from datetime import UTC, datetime

from flask import Flask, g, request
from flask_login import current_user

STANDARD = set(vars(logging.makeLogRecord({})))


class JsonFormatter(logging.Formatter):
    """Render a log record as a single JSON line (time in UTC, level, logger, message, extra fields)."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update({k: v for k, v in vars(record).items() if k not in STANDARD and not k.startswith("_")})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


class TextFormatter(logging.Formatter):
    """Readable lines for development: the message followed by the extra fields as key=value."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        extra = " ".join(f"{k}={v}" for k, v in vars(record).items() if k not in STANDARD and not k.startswith("_"))
        return super().format(record) + (f" {extra}" if extra else "")


def configure_logging(log_format: str, level: str = "INFO") -> None:
    """Send every logger to stderr in the chosen format ('json' or 'text')."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter())
    handler.tracker_handler = True  # ours: replaced when the app is created again; other handlers are kept
    root = logging.getLogger()
    root.handlers[:] = [h for h in root.handlers if not getattr(h, "tracker_handler", False)] + [handler]
    root.setLevel(level)
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)


def register_logging(app: Flask) -> None:
    """Configure logging for the app and log one structured line per request (no query strings, no bodies)."""
    configure_logging(app.config["LOG_FORMAT"], app.config["LOG_LEVEL"])
    logger = logging.getLogger("tracker.request")

    @app.before_request
    def _start_timer():
        g.request_started = time.perf_counter()

    @app.after_request
    def _log_request(response):
        started = g.pop("request_started", None)
        if started is not None and request.endpoint not in ("static", "admin.static"):
            logger.info("request", extra={
                "method": request.method, "path": request.path, "endpoint": request.endpoint,
                "status": response.status_code, "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                "user_id": getattr(current_user, "id", None) if current_user else None,
                "remote_addr": request.remote_addr,
            })
        return response
