"""Finding reviews by identifier, at the same cost at a thousand or a million reviews.

A search term matches a review whose StEIS number or LFPSE reference is exactly the term, whose local identifier
starts with the term (ignoring ASCII case), or whose tracker number is the term (with or without '#'). Each branch
is an index range: the local identifier prefix is a range on `upper(local_identifier)` (index
ix_review_local_identifier_key, migration 0005; byte order, COLLATE "C" on PostgreSQL), never a LIKE that reads
every row.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, func, or_

from app.reviews.models import Review

# Migration 0005 creates the index by hand; schema comparisons skip it (app/schema_compare.py).
_ASCII_UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_LAST_CHARACTER = "\U0010ffff"


def ascii_upper(text: str) -> str:
    """Upper-case ASCII letters only, as SQL upper() does on SQLite and under COLLATE "C"."""
    return text.translate(_ASCII_UPPER)


def local_identifier_key(dialect: str):
    """The indexed expression: upper(local_identifier), in byte order on PostgreSQL."""
    key = func.upper(Review.local_identifier)
    return key.collate("C") if dialect == "postgresql" else key


def identifier_clause(term: str, *, dialect: str) -> ColumnElement[bool]:
    """Reviews one search term finds (see the module docstring)."""
    term = term.strip()
    prefix = ascii_upper(term)
    key = local_identifier_key(dialect)
    clause = or_(Review.steis_number == term, Review.lfpse_reference == term,
                 and_(key >= prefix, key < prefix + _LAST_CHARACTER))
    number = term.removeprefix("#")
    if number.isdigit() and len(number) < 12:
        clause = or_(clause, Review.id == int(number))
    return clause
