"""Finding reviews by identifier, at the same cost at a thousand or a million reviews.

A search term of three characters or more matches a review whose StEIS number, LFPSE reference or local
identifier contains it anywhere, ignoring case (`26336` and `2026/263` find 2026/26336), or whose tracker number
is the term (with or without '#'). The substring match reads a trigram index, never every row: an FTS5 table with
the trigram tokenizer on SQLite (review_identifier_fts, kept in step by triggers), a pg_trgm GIN index on
PostgreSQL (ix_review_identifier_trgm); both made by migration 0014. A shorter term (one or two characters, too
short for trigrams) matches as before: StEIS number or LFPSE reference exactly, local identifier by prefix (an
index range on upper(local_identifier), migration 0005).
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, func, literal_column, or_, select, text

from app.reviews.models import Review

# Migrations 0005 and 0014 create these by hand; schema comparisons skip them (app/schema_compare.py).
_ASCII_UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_LAST_CHARACTER = "\U0010ffff"
TRIGRAM = 3
# The indexed expression of migration 0014 on PostgreSQL, written identically so the planner uses the index.
IDENTIFIER_TEXT = literal_column("(coalesce(review.steis_number, '') || ' ' || coalesce(review.lfpse_reference, "
                                 "'') || ' ' || coalesce(review.local_identifier, ''))")


def ascii_upper(text_: str) -> str:
    """Upper-case ASCII letters only, as SQL upper() does on SQLite and under COLLATE "C"."""
    return text_.translate(_ASCII_UPPER)


def local_identifier_key(dialect: str):
    """The indexed expression: upper(local_identifier), in byte order on PostgreSQL."""
    key = func.upper(Review.local_identifier)
    return key.collate("C") if dialect == "postgresql" else key


def _like_pattern(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def substring_clause(term: str, *, dialect: str) -> ColumnElement[bool]:
    """Reviews with the term anywhere in an identifier (a trigram index lookup; the term has 3+ characters)."""
    if dialect == "postgresql":
        return IDENTIFIER_TEXT.ilike(_like_pattern(term), escape="\\")
    phrase = '"' + term.replace('"', '""') + '"'  # an FTS5 phrase: with trigrams, a substring
    matches = select(literal_column("rowid")).select_from(text("review_identifier_fts")).where(
        text("review_identifier_fts MATCH :phrase").bindparams(phrase=phrase))
    return Review.id.in_(matches)


def identifier_clause(term: str, *, dialect: str) -> ColumnElement[bool]:
    """Reviews one search term finds (see the module docstring)."""
    term = term.strip()
    if len(term) >= TRIGRAM:
        clause = substring_clause(term, dialect=dialect)
    else:
        prefix = ascii_upper(term)
        key = local_identifier_key(dialect)
        clause = or_(Review.steis_number == term, Review.lfpse_reference == term,
                     and_(key >= prefix, key < prefix + _LAST_CHARACTER))
    number = term.removeprefix("#")
    if number.isdigit() and len(number) < 12:
        clause = or_(clause, Review.id == int(number))
    return clause
