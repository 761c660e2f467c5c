"""Writing an import's planned reviews, themes, timeline entries and audit events in batches (Core executemany).

The bulk import (app.imports.bulk) plans every change in memory; `ImportWrites` holds the plan, each item tagged
with the file row that planned it, and writes it. While the rows are judged, new reviews and timeline entries get
**provisional** ids (-1, -2, ...: never an id the database holds), so that the plan and its audit events can name
them; the real ids are handed out at the write, under the write lock, in row order (SQLite: the highest id + 1, as
an insert would; PostgreSQL: the table's sequence), and every reference to a provisional id is translated.

The write lock (no one else can insert or save reviews until the transaction ends) is taken only for the write,
not while the file is read and judged, and the whole write is **one transaction** (the caller commits it with the
import's audit record): a failure or a crash part-way leaves nothing of the file, never a half-imported file the user
cannot see or undo. The price is that other users' saves wait for the write (docs/IMPORT_EXPORT.md, "Other users'
saves during a big import", measured). Under the lock the write first checks that no review it changes was saved by
someone else since the import read it; such a row is left out of the write and refused (`ImportWrites.conflicts`),
never overwritten.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Table, bindparam, delete, func, select, text, update
from sqlalchemy.orm import Session

from app.audit.models import AuditEvent
from app.reviews.models import Review, ReviewTheme, ReviewUpdate

REVIEW = Review.__table__
UPDATE = ReviewUpdate.__table__
COLUMNS = tuple(c.name for c in REVIEW.columns)
BATCH = 5000


def batches(items: list, size: int = BATCH) -> Iterator[list]:
    """The list in slices of at most `size`."""
    for start in range(0, len(items), size):
        yield items[start:start + size]


class ProvisionalIds:
    """Provisional ids for new rows of one table (-1, -2, ...), and the real ids they get at the write."""

    def __init__(self) -> None:
        self.count = 0
        self.real: dict[int, int] = {}

    def take(self) -> int:
        """The next provisional id."""
        self.count += 1
        return -self.count

    def __call__(self, value: int | None) -> int | None:
        """The real id of a provisional one (any other value as it is)."""
        return self.real[value] if value is not None and value < 0 else value


def next_ids(session: Session, table: Table, count: int) -> list[int]:
    """`count` free ids for a table, under the write lock: what one insert at a time would have been given."""
    if not count:
        return []
    if session.get_bind().dialect.name == "postgresql":
        return list(session.scalars(text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM "
                                         "generate_series(1, :n)"), {"table": table.name, "n": count}))
    first = (session.scalar(select(func.max(table.c.id))) or 0) + 1
    return list(range(first, first + count))


def use_ids(session: Session, table: Table, count: int) -> None:
    """On PostgreSQL, use up as many sequence values as a write of `count` rows would (a dry run that writes nothing
    leaves the sequence where the services' rolled-back inserts leave it)."""
    if count and session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT count(nextval(pg_get_serial_sequence(:table, 'id'))) FROM generate_series(1, :n)"),
                        {"table": table.name, "n": count})


def _autoincrement(table: Table) -> bool:
    return bool(table.dialect_options["sqlite"].get("autoincrement"))


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
    """What the import will write, by file row: new and changed reviews, their themes, timeline entries and audit
    events."""

    def __init__(self, session: Session, *, row_of: Callable[[], int]):
        self.session, self.row_of = session, row_of
        self.review_ids = ProvisionalIds()
        self.update_ids = ProvisionalIds()
        self.created: list[tuple[int, SimpleNamespace]] = []
        self.changed: dict[int, tuple[int, SimpleNamespace]] = {}
        self.loaded_version: dict[int, int] = {}
        self.themes_changed: set[int] = set()
        self.updates: list[tuple[int, dict[str, Any]]] = []
        self.events: list[tuple[int, dict[str, Any]]] = []
        self.conflicts: list[tuple[int, int]] = []  # (row, review id) left out: saved by someone else meanwhile

    def created_review(self, draft: SimpleNamespace) -> None:
        """A review the import creates."""
        self.created.append((self.row_of(), draft))

    def changed_review(self, draft: SimpleNamespace, *, themes: bool) -> None:
        """A review that exists and that the import changes (its final state is written once)."""
        if draft.id in self.loaded_version:
            self.changed.setdefault(draft.id, (self.row_of(), draft))
            if themes:
                self.themes_changed.add(draft.id)

    def update(self, values: dict[str, Any]) -> None:
        """A new timeline entry."""
        self.updates.append((self.row_of(), values))

    def event(self, values: dict[str, Any]) -> None:
        """An audit event (event_values)."""
        self.events.append((self.row_of(), values))

    @property
    def new_rows(self) -> tuple[int, int]:
        """How many reviews and timeline entries the plan inserts."""
        return len(self.created), len(self.updates)

    def write(self) -> None:
        """Write everything planned under the write lock, in the caller's transaction (which commits or rolls back
        the whole file: never part of it)."""
        rows = {r for r, _ in self.created} | {r for r, _ in self.changed.values()} | {r for r, _ in self.updates} \
            | {r for r, _ in self.events}
        take_write_lock(self.session)
        self._write_rows(rows - self._saved_meanwhile(rows))

    def _saved_meanwhile(self, rows: set[int]) -> set[int]:
        """File rows whose review was saved by someone else since the import read it (under the lock)."""
        ids = {d.id: r for r, d in self.changed.values() if r in rows}
        stale: set[int] = set()
        for part in batches(sorted(ids), 500):
            query = select(REVIEW.c.id, REVIEW.c.version).where(REVIEW.c.id.in_(part))
            for rid, version in self.session.execute(query):
                if version != self.loaded_version[rid]:
                    stale.add(ids[rid])
                    self.conflicts.append((ids[rid], rid))
        return stale

    def _write_rows(self, kept: set[int]) -> None:
        conn = self.session.connection()
        created = [d for r, d in self.created if r in kept]
        changed = [d for r, d in self.changed.values() if r in kept]
        updates = [u for r, u in self.updates if r in kept]
        rid, uid = self.review_ids, self.update_ids
        rid.real.update(zip((d.id for d in created), next_ids(self.session, REVIEW, len(created)), strict=True))
        uid.real.update(zip((u["id"] for u in updates), next_ids(self.session, UPDATE, len(updates)), strict=True))
        for rows in batches([{**draft_values(d), "id": rid(d.id), "latest_update_id": None} for d in created]):
            conn.execute(REVIEW.insert(), rows)
        themed = [*created, *(d for d in changed if d.id in self.themes_changed)]
        for ids in batches(sorted(d.id for d in changed if d.id in self.themes_changed), 500):
            conn.execute(delete(ReviewTheme.__table__).where(ReviewTheme.__table__.c.review_id.in_(ids)))
        for rows in batches([{"review_id": rid(d.id), "position": p, "theme_code": code}
                             for d in themed for p, code in enumerate(d.theme_codes, start=1)]):
            conn.execute(ReviewTheme.__table__.insert(), rows)
        for rows in batches([{**u, "id": uid(u["id"]), "review_id": rid(u["review_id"])} for u in updates]):
            conn.execute(UPDATE.insert(), rows)
        set_latest = update(REVIEW).where(REVIEW.c.id == bindparam("b_id")).values(
            latest_update_id=bindparam("b_latest"))
        for rows in batches([{"b_id": rid(d.id), "b_latest": uid(d.latest_update_id)} for d in created
                             if d.latest_update_id]):
            conn.execute(set_latest, rows)
        self._write_changed(conn, changed)
        events = [self._event_row(e) for r, e in self.events if r in kept]
        for rows in batches(events):
            conn.execute(AuditEvent.__table__.insert(), rows)

    def _event_row(self, values: dict[str, Any]) -> dict[str, Any]:
        ids = {"review": self.review_ids, "review_update": self.update_ids}.get(values.get("entity"))
        row = {**values, "review_id": self.review_ids(values.get("review_id"))}
        if ids is not None and str(values.get("entity_id") or "").startswith("-"):  # event_values keeps it as text
            row["entity_id"] = str(ids(int(values["entity_id"])))
        return row

    def _write_changed(self, conn, changed: list[SimpleNamespace]) -> None:
        if not changed:
            return
        statement = update(REVIEW).where(REVIEW.c.id == bindparam("b_id"), REVIEW.c.version == bindparam("b_was"))
        statement = statement.values({name: bindparam(f"b_{name}") for name in COLUMNS if name != "id"})
        rows = [{"b_id": d.id, "b_was": self.loaded_version[d.id],
                 **{f"b_{name}": getattr(d, name) for name in COLUMNS if name != "id"},
                 "b_latest_update_id": self.update_ids(d.latest_update_id)}
                for d in changed]
        for batch in batches(rows):
            conn.execute(statement, batch)
