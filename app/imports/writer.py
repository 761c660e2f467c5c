"""Writing an import's planned reviews, themes, timeline entries and audit events in batches (Core executemany).

The bulk import (app.imports.bulk) plans every change in memory; `ImportWrites` holds the plan and writes it in
the caller's transaction. Review and timeline ids are handed out before the write (`IdPool`) so that the plan, the
audit trail and the report can name them: they count on from the next id (SQLite: the highest id + 1;
PostgreSQL: the table's sequence, moved past the ids used before they are inserted).

The write lock (no one else can insert or save reviews until the transaction ends) is taken only for the write,
not while the file is read and judged: other users' saves wait for the few seconds the batches take, not for the
whole import. Once the lock is held, the write checks that no one took the planned ids meanwhile (`IdsTaken`) and
that no review it changes was saved meanwhile (`ConcurrentEdit`); the import then runs again, this time holding
the lock from the start (`lock_first`), so it never fails for a concurrent save.
"""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Table, bindparam, delete, func, select, text, update
from sqlalchemy.orm import Session

from app.audit.models import AuditEvent
from app.reviews.models import Review, ReviewTheme, ReviewUpdate

REVIEW = Review.__table__
COLUMNS = tuple(c.name for c in REVIEW.columns)
BATCH = 5000


class ConcurrentEdit(RuntimeError):
    """A review the import read was changed by someone else before the import wrote it."""


class IdsTaken(RuntimeError):
    """Someone inserted a review or timeline entry after the import planned its ids (before it took the lock)."""


def batches(items: list, size: int = BATCH) -> Iterator[list]:
    """The list in slices of at most `size`."""
    for start in range(0, len(items), size):
        yield items[start:start + size]


class IdPool:
    """Ids for new rows of one table, handed out in order before the rows are written (the import holds the write
    lock, so they are the ids the database would have given one insert at a time)."""

    def __init__(self, session: Session, table: Table):
        self.session, self.table = session, table
        self.postgres = session.get_bind().dialect.name == "postgresql"
        self.next_id: int | None = None
        self.first_id: int | None = None

    def take(self) -> int:
        """The next id."""
        if self.next_id is None:
            if self.postgres:
                self.next_id = self.session.scalar(text("SELECT nextval(pg_get_serial_sequence(:table, 'id'))"),
                                                   {"table": self.table.name})
            else:
                self.next_id = (self.session.scalar(select(func.max(self.table.c.id))) or 0) + 1
            self.first_id = self.next_id
        taken, self.next_id = self.next_id, self.next_id + 1
        return taken

    def check_free(self) -> None:
        """Under the write lock: refuse (IdsTaken) when a row was inserted at or past the first id handed out."""
        if self.first_id is None:
            return
        highest = self.session.scalar(select(func.max(self.table.c.id))) or 0
        if highest >= self.first_id:
            raise IdsTaken(f"new rows in {self.table.name} while the import was planned")

    def finish(self) -> None:
        """On PostgreSQL, move the table's sequence past the ids handed out (before they are inserted)."""
        if self.postgres and self.next_id is not None:
            self.session.execute(text("SELECT setval(pg_get_serial_sequence(:table, 'id'), :last)"),
                                 {"table": self.table.name, "last": self.next_id - 1})


def take_write_lock(session: Session) -> None:
    """Hold off other writers of reviews until the transaction ends, so the ids handed out stay free: SQLite's
    database write lock (a write of no rows); PostgreSQL's SHARE ROW EXCLUSIVE lock on the review tables (reading
    goes on; saves wait for the import)."""
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        session.execute(update(REVIEW).where(text("0 = 1")).values(version=REVIEW.c.version))
    elif dialect == "postgresql":
        session.execute(text("LOCK TABLE review, review_update IN SHARE ROW EXCLUSIVE MODE"))


def draft_values(draft: SimpleNamespace) -> dict[str, Any]:
    """A draft review's column values."""
    return {name: getattr(draft, name) for name in COLUMNS}


class ImportWrites:
    """What the import will write: new and changed reviews, their themes, timeline entries and audit events."""

    def __init__(self, session: Session, *, lock_first: bool = False):
        self.lock_first = lock_first
        if lock_first:
            take_write_lock(session)
        self.session = session
        self.review_ids = IdPool(session, REVIEW)
        self.update_ids = IdPool(session, ReviewUpdate.__table__)
        self.created: list[SimpleNamespace] = []
        self.changed: dict[int, SimpleNamespace] = {}
        self.loaded_version: dict[int, int] = {}
        self.themes_changed: set[int] = set()
        self.updates: list[dict[str, Any]] = []
        self.events: list[dict[str, Any]] = []

    def created_review(self, draft: SimpleNamespace) -> None:
        """A review the import creates."""
        self.created.append(draft)

    def changed_review(self, draft: SimpleNamespace, *, themes: bool) -> None:
        """A review that exists and that the import changes (its final state is written once)."""
        if draft.id in self.loaded_version:
            self.changed[draft.id] = draft
            if themes:
                self.themes_changed.add(draft.id)

    def write(self) -> None:
        """Take the write lock (unless held from the start), check the plan still holds, then insert and update
        everything planned, in batches, in the session's transaction."""
        if not self.lock_first:
            take_write_lock(self.session)
            self.review_ids.check_free()
            self.update_ids.check_free()
        self.review_ids.finish()
        self.update_ids.finish()
        conn = self.session.connection()
        new_latest = [{"b_id": d.id, "b_latest": d.latest_update_id} for d in self.created if d.latest_update_id]
        for rows in batches([{**draft_values(d), "latest_update_id": None} for d in self.created]):
            conn.execute(REVIEW.insert(), rows)
        theme_rows = [{"review_id": d.id, "position": p, "theme_code": code}
                      for d in [*self.created, *(self.changed[i] for i in sorted(self.themes_changed))]
                      for p, code in enumerate(d.theme_codes, start=1)]
        for ids in batches(sorted(self.themes_changed), 500):
            conn.execute(delete(ReviewTheme.__table__).where(ReviewTheme.__table__.c.review_id.in_(ids)))
        for rows in batches(theme_rows):
            conn.execute(ReviewTheme.__table__.insert(), rows)
        for rows in batches(self.updates):
            conn.execute(ReviewUpdate.__table__.insert(), rows)
        set_latest = update(REVIEW).where(REVIEW.c.id == bindparam("b_id")).values(
            latest_update_id=bindparam("b_latest"))
        for rows in batches(new_latest):
            conn.execute(set_latest, rows)
        self._write_changed(conn)
        for rows in batches(self.events):
            conn.execute(AuditEvent.__table__.insert(), rows)

    def _write_changed(self, conn) -> None:
        if not self.changed:
            return
        statement = update(REVIEW).where(REVIEW.c.id == bindparam("b_id"), REVIEW.c.version == bindparam("b_was"))
        statement = statement.values({name: bindparam(f"b_{name}") for name in COLUMNS if name != "id"})
        rows = [{"b_id": d.id, "b_was": self.loaded_version[d.id],
                 **{f"b_{name}": getattr(d, name) for name in COLUMNS if name != "id"}}
                for d in self.changed.values()]
        for batch in batches(rows):
            result = conn.execute(statement, batch)
            if conn.dialect.supports_sane_multi_rowcount and result.rowcount != len(batch):
                raise ConcurrentEdit("A review in the file was changed by someone else during the import.")
