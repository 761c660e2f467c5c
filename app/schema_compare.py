"""What autogenerate compares: everything but the indexes a migration creates by hand (expression indexes that
SQLAlchemy cannot reflect on SQLite, and whose PostgreSQL spelling differs). Used by migrations/env.py
(`flask db check`) and the schema tests."""

from __future__ import annotations

HAND_MADE_INDEXES = frozenset({"ix_review_local_identifier_key"})  # migration 0005


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Leave the hand-made indexes out of autogenerate's comparison."""
    return not (type_ == "index" and name in HAND_MADE_INDEXES)
