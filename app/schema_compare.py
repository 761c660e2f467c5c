"""What autogenerate compares: everything but the indexes a migration creates by hand (expression indexes that
SQLAlchemy cannot reflect on SQLite, and whose PostgreSQL spelling differs). Used by migrations/env.py
(`flask db check`) and the schema tests."""

from __future__ import annotations

HAND_MADE_INDEXES = frozenset({"ix_review_local_identifier_key",  # migration 0005
                               "ix_review_identifier_trgm"})  # migration 0014 (PostgreSQL)
# Migration 0014's FTS5 table on SQLite and the shadow tables SQLite keeps for it.
HAND_MADE_TABLE_PREFIX = "review_identifier_fts"


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Leave the hand-made indexes and the identifier search table out of autogenerate's comparison."""
    if type_ == "table" and name and name.startswith(HAND_MADE_TABLE_PREFIX):
        return False
    return not (type_ == "index" and name in HAND_MADE_INDEXES)
