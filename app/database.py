"""Waiting for a busy database instead of failing: how long a statement waits for another writer's lock.

SQLite has one write lock for the whole file: while a large import holds it, every other write (a save, the
second factor's replay check, the relay marking an email sent) waits up to DATABASE_LOCK_WAIT_SECONDS
(`PRAGMA busy_timeout`; the driver's default was 5 s), and the file is in WAL mode so pages keep being read
during the import. PostgreSQL gets the same bound as `lock_timeout`. A statement that still finds the lock
held raises an error `is_busy` recognises; the web answers it with the busy page (app/security/errors.py).
"""

from __future__ import annotations

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

from app.extensions import db

BUSY_SIGNS = ("database is locked", "database table is locked", "lock timeout", "could not obtain lock")
BUSY_MESSAGE = ("The database is busy saving another change (such as a large import). Nothing of yours was saved: "
                "try again in a minute.")


def is_busy(error: BaseException) -> bool:
    """Whether a database error means another writer held a lock for longer than we wait."""
    return isinstance(error, OperationalError) and any(sign in str(error.orig).lower() for sign in BUSY_SIGNS)


def wait_for_locks(engine: Engine, seconds: float) -> None:
    """Every new connection of `engine` waits up to `seconds` for a lock (SQLite also reads during a write)."""
    dialect = engine.dialect.name

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, record) -> None:
        cursor = dbapi_connection.cursor()
        try:
            if dialect == "sqlite":
                cursor.execute(f"PRAGMA busy_timeout = {int(seconds * 1000)}")
                cursor.execute("PRAGMA journal_mode = WAL")
            elif dialect == "postgresql":
                cursor.execute(f"SET lock_timeout = {int(seconds * 1000)}")
        finally:
            cursor.close()
        if dialect == "postgresql":
            dbapi_connection.commit()  # psycopg opened a transaction for the SET: keep the setting, end it


def init_database(app: Flask) -> None:
    """Apply DATABASE_LOCK_WAIT_SECONDS to every engine of the app."""
    with app.app_context():
        for engine in db.engines.values():
            wait_for_locks(engine, float(app.config["DATABASE_LOCK_WAIT_SECONDS"]))
