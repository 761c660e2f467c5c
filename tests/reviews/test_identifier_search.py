"""Identifier search reads an index on every branch (no full scan at a million reviews) and matches as documented:
anywhere in an identifier for terms of three characters or more, from the start for shorter ones."""

from sqlalchemy import select, text, update

from app.reviews.identifier_search import ascii_upper, identifier_clause
from app.reviews.models import Review
from tests.support.reviews import make_review


def _plan(session, term: str) -> str:
    dialect = session.get_bind().dialect.name
    query = select(Review.id).where(identifier_clause(term, dialect=dialect))
    compiled = query.compile(session.get_bind(), compile_kwargs={"literal_binds": True})
    if dialect == "postgresql":
        session.execute(text("SET LOCAL enable_seqscan = off"))  # tiny tables: make the planner show what it can use
        return " ".join(row[0] for row in session.execute(text(f"EXPLAIN {compiled}")))
    return " ".join(row[-1] for row in session.execute(text(f"EXPLAIN QUERY PLAN {compiled}")))


def _found(session, term: str) -> set[int]:
    dialect = session.get_bind().dialect.name
    return set(session.scalars(select(Review.id).where(identifier_clause(term, dialect=dialect))))


def test_every_branch_of_the_search_uses_an_index(session):
    postgres = session.get_bind().dialect.name == "postgresql"
    for term in ("sar-ncl", "2025/54321", "#42", "LFPSE-1", "26336", "2026/263"):
        plan = _plan(session, term)
        assert "SCAN review " not in plan + " " and "Seq Scan" not in plan, (term, plan)
        assert ("ix_review_identifier_trgm" if postgres else "review_identifier_fts VIRTUAL TABLE") in plan, (term,
                                                                                                             plan)
    for term in ("sa", "#4"):  # too short for trigrams: the prefix range of migration 0005
        plan = _plan(session, term)
        assert "ix_review_local_identifier_key" in plan and "Seq Scan" not in plan, (term, plan)


def test_a_term_matches_anywhere_in_any_identifier_ignoring_case(session):
    wanted = make_review(session, local_identifier="Sar-Ncl-2025-07", steis_number="2026/26336")
    inside = make_review(session, local_identifier="XSAR-NCL-2025-08")
    other = make_review(session, local_identifier="DHR-NOTTS-1", lfpse_reference="LFPSE-998877")
    assert _found(session, "26336") >= {wanted.id} and other.id not in _found(session, "26336")
    assert wanted.id in _found(session, "2026/263")
    assert _found(session, "sAR-nCL-2025") >= {wanted.id, inside.id}
    assert other.id in _found(session, "8877") and other.id in _found(session, "notts")
    assert not _found(session, "100%") and not _found(session, 'a"b')  # LIKE / FTS syntax is only text
    assert ascii_upper("sar-ñ") == "SAR-ñ"


def test_short_terms_match_from_the_start(session):
    wanted = make_review(session, local_identifier="QZ-2025-07")
    other = make_review(session, local_identifier="XQZ-2025-08")
    found = _found(session, "qz")
    assert wanted.id in found and other.id not in found


def test_the_index_follows_every_change_of_an_identifier(session):
    review = make_review(session, local_identifier="BEFORE-EDIT-1")
    session.execute(update(Review).where(Review.id == review.id).values(local_identifier="AFTER-EDIT-1"))
    session.commit()
    assert review.id in _found(session, "after-edit") and review.id not in _found(session, "before-edit")
    session.delete(session.get(Review, review.id))
    session.commit()
    assert review.id not in _found(session, "after-edit")
