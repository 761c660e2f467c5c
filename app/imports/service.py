"""Importing reviews from a file: a dry run (every problem, and what would change) or an all-or-nothing commit.

Both run every row through the review services (create_review / update_review / add_update /
decide_rapid_review) in one transaction, so the dry run applies exactly the rules the commit applies. The
dry run, and a commit with any problem, roll the whole transaction back; only a clean commit keeps it.
The caller passes a session with no pending changes and commits afterwards (the import's audit event is
always left in the session).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.audit.service import record
from app.imports.headers import HeaderMap, find_header_row, map_headers, target_label
from app.imports.lookups import ReferenceLookups
from app.imports.plan import (
    AmbiguousMatch,
    DuplicateRows,
    FileReviews,
    ReviewIndex,
    changed_fields,
    merged_input,
    same_text,
)
from app.imports.readers import ImportRefused, Limits, Table, is_blank, open_table
from app.imports.report import CellProblem, ImportReport, RowOutcome
from app.imports.rows import ImportRow, RowReader
from app.imports.writer import ConcurrentEdit
from app.people.actor import Actor, NotAllowed, require
from app.people.roles import Permission
from app.reviews.actions import decide_rapid_review
from app.reviews.fields import label
from app.reviews.models import Review
from app.reviews.service import ReviewRejected, check_input, create_review, input_from_review, update_review
from app.reviews.timeline import add_update
from app.reviews.types import RapidOutcome, ReviewStatus, ReviewType
from app.timezone import london_today

HEADER_SEARCH_ROWS = 10
Progress = Callable[[int, int], None]


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
) -> ImportReport:
    """Dry-run (commit=False) or commit a file of reviews; the report lists every problem and every change.

    The bulk path (app.imports.bulk) checks every row with the form's rules in memory and writes in batches;
    per_row=True runs every row through the review services one at a time (the reference the bulk path is tested
    against)."""
    require(actor, Permission.IMPORT)
    report = ImportReport(filename=filename, sha256=hashlib.sha256(data).hexdigest(), dry_run=not commit)
    started = time.perf_counter()
    run = None
    try:
        table = open_table(data, limits=limits, sheet=sheet)
        if per_row:
            run = ImportRun(session, actor=actor, now=now, report=report, table=table, mapping=mapping)
        else:
            # The bulk <-> service circle is cut on the "imports" branch (ImportRun in its own module).
            from app.imports.bulk import BulkImportRun  # noqa: PLC0415

            run = BulkImportRun(session, actor=actor, now=now, report=report, table=table, mapping=mapping)
        run.execute(progress)
    except ImportRefused as exc:
        report.refused = str(exc)
    except ConcurrentEdit as exc:
        report.refused = f"{exc} Nothing was imported: try again."
    except IntegrityError:
        row = run.current_row if run else 0
        which = f"row {row}" if row else "the file's rows"
        report.refused = (f"The database refused {which} (a uniqueness rule the checks did not catch). Nothing "
                          "was imported: correct the row and try again.")
    report.committed = commit and report.clean
    if not report.committed:
        session.rollback()
    report.seconds = round(time.perf_counter() - started, 3)
    kind = "commit" if commit else "dry run"
    record(session, action="review.import", actor=actor, now=now, entity="import", entity_id=report.sha256[:16],
           detail=f"{kind} of a {report.format or 'unreadable'} file (sha256 {report.sha256[:16]}), scope "
                  f"{actor.scope.code}: {report.summary()}" + ("; committed" if report.committed else ""))
    return report


class ImportRun:
    """One pass over a file's rows through the review services, filling the report."""

    def __init__(self, session: Session, *, actor: Actor, now: datetime, report: ImportReport, table: Table,
                 mapping: Mapping[str, str] | None):
        self.session, self.actor, self.now, self.report, self.table = session, actor, now, report, table
        self.mapping = mapping
        self.lookups = ReferenceLookups(session)
        self.duplicates = DuplicateRows()
        self.file_reviews = FileReviews()
        self.index = ReviewIndex(session)
        self.outcomes: dict[int, RowOutcome] = {}
        self.review_ids: dict[int, int] = {}
        self.decisions: list[tuple[ImportRow, int]] = []
        self.statuses: list[tuple[int, str, int]] = []
        self.column_order: dict[str, int] = {}
        self.current_row = 0
        self.reader: RowReader | None = None

    # -- the file
    def _headers(self, rows) -> tuple[HeaderMap, list[tuple[int, list[Any]]]]:
        leading: list[tuple[int, list[Any]]] = []
        for number, cells in rows:
            if any(not is_blank(c) for c in cells):
                leading.append((number, cells))
                if len(leading) == HEADER_SEARCH_ROWS:
                    break
        index = find_header_row(leading, self.mapping)
        number, cells = leading[index]
        headers = map_headers(number, cells, self.mapping)
        if index:
            above = "Row 1" if number == 2 else f"Rows 1 to {number - 1}"
            self.report.notes.append(f"{above}, above the header row {number}, not imported (a title, not reviews).")
        return headers, leading[index + 1:]

    def execute(self, progress: Progress | None = None) -> None:
        """Read, check and apply every row; then the rapid review decisions; then compare statuses."""
        report, table = self.report, self.table
        report.format, report.encoding, report.sheet = table.format, table.encoding, table.sheet_name
        report.notes.extend(table.notes)
        rows = table.rows()
        headers, buffered = self._headers(rows)
        report.header_row = headers.header_row
        report.columns = [(c.header, target_label(c.target)) for c in headers.columns]
        report.derived_columns, report.unknown_columns = headers.derived, headers.unknown
        self.column_order = {c.header: c.index for c in headers.columns}
        self.reader = RowReader(headers, self.lookups, epoch=table.epoch)
        total, last = max(table.row_count - 1, 0), headers.header_row
        for source in (buffered, rows):
            for number, cells in source:
                last = number
                if all(is_blank(c) for c in cells):
                    continue
                report.rows_read += 1
                self.current_row = number
                self._row(self.reader.read(number, cells))
                if progress:
                    progress(report.rows_read, total)
        report.blank_rows = max(last - headers.header_row - report.rows_read, 0)
        self._after_rows()
        for row, review_id in self.decisions:
            self.current_row = row.number
            self._decide(row, review_id)
        self._finish()

    # -- problems: sorted as the row reads, left to right
    def _refuse(self, row: ImportRow, problems: list[CellProblem]) -> None:
        unique = list(dict.fromkeys(problems))
        unique.sort(key=lambda p: self.column_order.get(p.column, len(self.column_order)))
        self.report.problems.extend(unique)
        self.outcomes.pop(row.number, None)

    def _problems(self, row: ImportRow, found: list[tuple[str, str]]) -> list[CellProblem]:
        return [self.reader.problem(row, name, message) for name, message in found]

    def _consistency(self, row: ImportRow) -> list[tuple[str, str]]:
        out = []
        if row.rapid_outcome and not row.decision_date:
            out.append(("decision_date", "Give the date of the rapid review's decision."))
        if row.decision_date and not row.rapid_outcome:
            out.append(("rapid_outcome", "Say what the rapid review decided: CSPR, SAR, DHR or No further review."))
        if row.converted and not row.rapid_outcome:
            out.append(("review_type", "'Converted' is a rapid review that became a full review: give its decision "
                                       "date and what it became (Rapid review decision)."))
        if row.converted and row.rapid_outcome == RapidOutcome.NO_FURTHER_REVIEW:
            out.append(("rapid_outcome", "The type says Converted, but the decision is no further review."))
        if row.converted_to and not row.rapid_outcome:
            out.append(("converted_to_id", "A review it became is given, but the rapid review has no decision."))
        return out

    def _rule_problems(self, row: ImportRow, problems: list[CellProblem]) -> list[CellProblem]:
        """The form's rules on what could be read of a row with bad cells (columns already reported are skipped)."""
        try:
            match = self.index.find(row.data)
        except AmbiguousMatch:
            match = None
        data = merged_input(row, match) if match is not None else row.data
        violations = self._check(data, match)
        reported = {p.column for p in problems}
        return [p for p in self._problems(row, [(v.field, v.message) for v in violations]) if p.column not in reported]

    def _check(self, data, match) -> list:
        """Every rule the data breaks (the form's check_input)."""
        return check_input(self.session, data, actor=self.actor, today=london_today(self.now), review=match)

    def _after_rows(self) -> None:
        """Called once every row is read, before the rapid review decisions (the bulk import writes here)."""

    # -- first pass: fields and latest update
    def _row(self, row: ImportRow) -> None:
        if row.remapped:
            self.report.remapped.append(row.remapped)
        problems = row.problems + self._problems(row, self._consistency(row) + self.duplicates.check(row))
        org = row.data.organisation_code
        if org and not self.actor.scope.covers_location(org):
            message = (f"Organisation is outside your scope ({self.actor.scope.label}): nothing in this file is "
                       "imported while it holds this row.")
            return self._refuse(row, [*problems, *self._problems(row, [("organisation_code", message)])])
        if problems:
            return self._refuse(row, problems + self._rule_problems(row, problems))
        try:
            review = self.index.find(row.data)
            if review is None:
                review = self._create(row)
                outcome = RowOutcome(row.number, "create", row.identifier)
            else:
                outcome = self._update(row, review)
            outcome = self._latest_update(row, review, outcome)
        except AmbiguousMatch as exc:
            return self._refuse(row, self._problems(row, [("local_identifier", str(exc))]))
        except ReviewRejected as exc:
            return self._refuse(row, self._problems(row, [(v.field, v.message) for v in exc.violations]))
        except NotAllowed as exc:
            return self._refuse(row, self._problems(row, [("organisation_code", f"Not allowed: {exc}.")]))
        self.index.remember(review)
        self.outcomes[row.number] = outcome
        self.review_ids[row.number] = review.id
        self.file_reviews.add(review, row.tracker_number)
        if row.rapid_outcome and row.decision_date:
            self.decisions.append((row, review.id))
        if row.status_in_file:
            self.statuses.append((row.number, row.status_in_file, review.id))
        return None

    def _create(self, row: ImportRow) -> Review:
        return create_review(self.session, data=row.data, actor=self.actor, now=self.now)

    def _update(self, row: ImportRow, review: Review) -> RowOutcome:
        merged = merged_input(row, review)
        changes = changed_fields(input_from_review(review), merged)
        if not changes:
            return RowOutcome(row.number, "unchanged", row.identifier, review.id)
        self._edit(review, merged)
        return RowOutcome(row.number, "update", row.identifier, review.id, changes)

    def _edit(self, review: Review, data) -> None:
        update_review(self.session, review=review, expected_version=None, data=data, actor=self.actor, now=self.now)

    def _latest_text(self, review: Review) -> str | None:
        return review.latest_update.text if review.latest_update is not None else None

    def _add_update(self, row: ImportRow, review: Review) -> None:
        add_update(self.session, review=review, text=row.latest_update, entry_date=row.latest_update_on,
                   actor=self.actor, now=self.now, expected_version=None)

    def _latest_update(self, row: ImportRow, review: Review, outcome: RowOutcome) -> RowOutcome:
        if not row.latest_update or same_text(self._latest_text(review), row.latest_update):
            return outcome
        self._add_update(row, review)
        action = "create" if outcome.action == "create" else "update"
        return replace(outcome, action=action, changes=(*outcome.changes, f"{label('latest_update')} (new timeline "
                                                                          "entry)"))

    # -- second pass: rapid review decisions (after every review they may point at exists)
    def _decide(self, row: ImportRow, review_id: int) -> None:
        review = self.session.get(Review, review_id)
        outcome = row.rapid_outcome
        if review.review_type == ReviewType.RAPID and review.status != ReviewStatus.OPEN:
            if review.rapid_outcome != outcome.value or review.decision_date != row.decision_date:
                self._refuse(row, self._problems(row, [(
                    "decision_date", "The rapid review was already decided differently: an import never changes a "
                                     "decision (a national admin can reopen it).")]))
            return
        try:
            target = self.file_reviews.conversion_target(self.session, review, outcome, row.converted_to)
            created = decide_rapid_review(self.session, review=review, outcome=outcome,
                                          decision_date=row.decision_date, actor=self.actor, now=self.now,
                                          expected_version=None, into=target)
        except ReviewRejected as exc:
            return self._refuse(row, self._problems(row, [(v.field, v.message) for v in exc.violations]))
        except NotAllowed as exc:
            return self._refuse(row, self._problems(row, [("converted_to_id", f"Not allowed: {exc}.")]))
        change = label("rapid_outcome")
        if created is not None and target is None:
            change += " (creates the review it became, pre-filled as the form does)"
        previous = self.outcomes[row.number]
        action = "create" if previous.action == "create" else "update"
        self.outcomes[row.number] = replace(previous, action=action, changes=(*previous.changes, change))
        return None

    # -- the end: statuses the file claims, and the outcomes in row order
    def _finish(self) -> None:
        wanted = [review_id for number, _, review_id in self.statuses if number in self.outcomes]
        status_of: dict[int, str] = {}
        for start in range(0, len(wanted), 500):
            status_of.update((rid, status) for rid, status in self.session.execute(
                select(Review.id, Review.status).where(Review.id.in_(wanted[start:start + 500]))))
        for number, claimed, review_id in self.statuses:
            if number not in self.outcomes:
                continue
            actual = status_of[review_id]
            if actual != claimed:
                verb = "would be" if self.report.dry_run else "is"
                self.report.notes.append(
                    f"Row {number}: the file says {claimed}, but the review {verb} {actual}. Status follows the "
                    "dates (sign-off, publication, rapid review decision); it is never typed.")
        keep_ids, problem_rows = not self.report.dry_run, self.report.problem_rows
        self.report.outcomes = [
            replace(o, review_id=self.review_ids.get(n) if keep_ids or o.action != "create" else None)
            for n, o in sorted(self.outcomes.items()) if n not in problem_rows
        ]
