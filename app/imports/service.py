"""Importing reviews from a file: a dry run (every problem, and what would change) or a commit.

Both run every row through the same rules, so the dry run reports exactly what the commit does; the dry run
changes nothing (it is rolled back). Each row is all or nothing: a row that is wrong is refused (nothing of it is
written) and the others are imported; a file that cannot be read is refused whole. The caller passes a session
with no pending changes and commits afterwards (the import's audit event is always left in the session); the bulk
path of a commit also commits its earlier chunks of rows itself (app.imports.writer), so that other users' saves
wait for one chunk, not for the whole file.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Collection, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.audit.service import record
from app.imports.bulk import BulkImportRun
from app.imports.readers import ImportRefused, Limits, open_table
from app.imports.report import ImportReport
from app.imports.run import ImportRun, Progress
from app.people.actor import Actor, require
from app.people.roles import Permission


def limits_from(config: Mapping[str, Any]) -> Limits:
    """The import limits from the app configuration."""
    return Limits(max_bytes=int(config["IMPORT_MAX_BYTES"]), max_rows=int(config["IMPORT_MAX_ROWS"]),
                  max_unpacked_bytes=int(config.get("IMPORT_MAX_UNPACKED_BYTES", 10 * config["IMPORT_MAX_BYTES"])))


def import_reviews(
    session: Session,
    *,
    data: bytes,
    filename: str,
    actor: Actor,
    now: datetime,
    commit: bool,
    limits: Limits,
    sheet: str | None = None,
    mapping: Mapping[str, str] | None = None,
    progress: Progress | None = None,
    per_row: bool = False,
    accept_partnerships: Collection[str] = (),
) -> ImportReport:
    """Dry-run (commit=False) or commit a file of reviews; the report lists every problem and every change.

    `accept_partnerships`: keys of the dry run's new partnerships that a national admin accepts (added to the
    managed list by the commit). The bulk path (app.imports.bulk) checks every row with the form's rules in memory
    and writes in batches; per_row=True runs every row through the review services one at a time (the reference the
    bulk path is tested against)."""
    require(actor, Permission.IMPORT)
    sha256 = hashlib.sha256(data).hexdigest()
    report = ImportReport(filename=filename, sha256=sha256, dry_run=not commit)
    started = time.perf_counter()
    run = None
    try:
        table = open_table(data, limits=limits, sheet=sheet)
        options = {"actor": actor, "now": now, "table": table, "mapping": mapping,
                   "accept_partnerships": accept_partnerships}
        run = (ImportRun if per_row else BulkImportRun)(session, report=report, **options)
        run.execute(progress)
    except ImportRefused as exc:
        report.refused = str(exc)
    except IntegrityError:  # the whole file is one transaction: rolled back, nothing of it stays
        session.rollback()
        row = run.current_row if run else 0
        which = f"row {row}" if row else "the file's rows"
        report.refused = (f"The database refused {which} (a uniqueness rule the checks did not catch). Nothing "
                          "was imported: correct the row and try again.")
    if report.refused is not None:  # whatever the rows said before the file was refused, nothing is imported
        report.outcomes, report.refused_rows, report.new_partnerships = [], [], []
    report.committed = commit and report.refused is None
    if not report.committed:
        session.rollback()
    report.seconds = round(time.perf_counter() - started, 3)
    kind_label = "commit" if commit else "dry run"
    record(session, action="review.import", actor=actor, now=now, entity="import", entity_id=report.sha256[:16],
           detail=f"{kind_label} of a {report.format or 'unreadable'} file (sha256 {report.sha256[:16]}), scope "
                  f"{actor.scope.code}: {report.summary()}" + ("; committed" if report.committed else ""))
    return report
