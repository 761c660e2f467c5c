"""ScopeBook builds the same scopes as scope_for_code, for any number of codes, from one read of the tree."""

import pytest
from sqlalchemy import event, select

from app.orgs.models import IntegratedCareBoard, Region, SubIcbLocation
from app.orgs.scope import ScopeBook, UnknownScope, scope_for_code


def test_every_node_gets_the_scope_scope_for_code_gives(session):
    codes = ["ENG", *session.scalars(select(Region.code)), *session.scalars(select(IntegratedCareBoard.code)),
             *session.scalars(select(SubIcbLocation.code))]
    book = ScopeBook(session)
    for code in codes:
        assert book.scope(code) == scope_for_code(session, code), code
    assert book.scope(" qmj ") == scope_for_code(session, "QMJ")
    with pytest.raises(UnknownScope):
        book.scope("ZZZ")


def test_many_scopes_cost_the_same_few_queries(session):
    statements = []
    engine = session.get_bind()
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        book = ScopeBook(session)
        for code in session.scalars(select(SubIcbLocation.code)).all():
            book.scope(code)
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert len(statements) <= 5  # the tree, three name lists, the codes asked for above
