"""One pass over a file's rows through the review services, filling the report (the reference path).

Every row is judged on its own: a row that is wrong is refused (nothing of it is written) and the report says what
to do about it; a row that is honest but incomplete is imported "to complete"; the others are imported. A dry run
and a commit run the same code in one transaction (the caller rolls a dry run back). `app.imports.bulk` is this
run with the writes planned in memory and written in batches.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import replace
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.imports.headers import SAMPLE_ROWS, HeaderMap, find_header_row, map_headers, target_label
from app.imports.lookups import ReferenceLookups
from app.imports.partnerships import PartnershipMatcher
from app.imports.plan import (
    AmbiguousMatch,
    DuplicateRows,
    FileReviews,
    ReviewIndex,
    changed_fields,
    entry_key,
    has_entry,
    merged_input,
)
from app.imports.readers import ImportRefused, Table, is_blank
from app.imports.report import NOTE, REFUSED, TO_COMPLETE, CellProblem, ImportReport, RefusedRow, RowOutcome
from app.imports.rows import ImportRow, RowReader
from app.orgs.models import Partnership
from app.people.actor import Actor, NotAllowed
from app.reviews import lifecycle
from app.reviews.actions import decide_rapid_review
from app.reviews.collection import window_violations
from app.reviews.fields import label
from app.reviews.models import Review, ReviewUpdate
from app.reviews.planning import COMPLETABLE, Tolerance, missing_fields, split_missing
from app.reviews.rules import ReviewInput, Violation
from app.reviews.service import ReviewRejected, check_input, create_review, input_from_review, update_review
from app.reviews.timeline import add_update, checked_entry
from app.reviews.types import RapidOutcome, ReviewStatus, ReviewType
from app.timezone import london_today
from config.clocks import CLOCKS

HEADER_SEARCH_ROWS = 10
Progress = Callable[[int, int], None]
# What to do next about a refused row, by what its problems are about (most pressing first).
NEXT_STEPS = (
    ("pii", "remove the patient identifiable data (names, dates of birth, NHS numbers...) from {columns}"),
    ("scope", "ask the organisation's designated professional or the national team to import this row"),
    ("formula", "replace each formula in {columns} by its value (copy, then paste values only)"),
    ("duplicate", "keep one row per review: delete the repeated row, or correct its identifiers"),
    ("conflict", "check the review someone saved meanwhile"),
    ("organisation", "give the sub-ICB location's ODS code (for example 93C) in {columns}"),
)


def next_step(problems: list[CellProblem]) -> str:
    """What to do about a refused row, from its problems (the columns named, never the cells' content)."""
    steps = []
    for category, advice in NEXT_STEPS:
        columns = sorted({p.column for p in problems if p.category == category})
        if columns:
            steps.append(advice.format(columns=", ".join(columns)))
    rest = sorted({p.column for p in problems if p.category not in {c for c, _ in NEXT_STEPS}})
    if rest:
        steps.append(f"correct {', '.join(rest)} as the problems say")
    text = "; ".join(steps) or "correct the row as the problems say"
    return (f"{text[0].upper()}{text[1:]}, then import the file again: the rows already imported are left as they "
            "are.")


class ImportRun:
    """One pass over a file's rows through the review services, filling the report."""

    def __init__(self, session: Session, *, actor: Actor, now: datetime, report: ImportReport, table: Table,
                 mapping: Mapping[str, str] | None, accept_partnerships: Collection[str] = ()):
        self.session, self.actor, self.now, self.report, self.table = session, actor, now, report, table
        self.today = london_today(now)
        self.mapping = mapping
        self.lookups = ReferenceLookups(session)
        self.partnerships = PartnershipMatcher(
            session, actor=actor, now=now, accepted=accept_partnerships, on_added=self._partnership_added,
            source=f"added by the import of {report.filename} (sha256 {report.sha256[:16]})")
        self.duplicates = DuplicateRows()
        self.file_reviews = FileReviews()
        self.index = ReviewIndex(session)
        self.outcomes: dict[int, RowOutcome] = {}
        self.refused: dict[int, RefusedRow] = {}
        self.refused_tracker_numbers: dict[str, int] = {}
        self.review_ids: dict[int, int] = {}
        self.decisions: list[tuple[ImportRow, int]] = []
        self.statuses: list[tuple[int, str, int]] = []
        self.column_order: dict[str, int] = {}
        self.current_row = 0
        self.reader: RowReader | None = None

    def _partnership_added(self, partnership: Partnership) -> None:
        """A partnership the import added to the managed list (the bulk run's cached references learn it)."""

    # -- the file
    def _headers(self, rows) -> tuple[HeaderMap, list[tuple[int, list[Any]]]]:
        leading: list[tuple[int, list[Any]]] = []
        for number, cells in rows:
            if any(not is_blank(c) for c in cells):
                leading.append((number, cells))
                if len(leading) == HEADER_SEARCH_ROWS:
                    break
        if not leading:
            raise_empty()
        index = find_header_row(leading, self.mapping)
        number, cells = leading[index]
        buffered = leading[index + 1:]
        for more in rows:  # the first data rows tell columns apart by their values
            buffered.append(more)
            if len(buffered) >= SAMPLE_ROWS:
                break
        samples = [c for _, c in buffered if any(not is_blank(v) for v in c)]
        headers = map_headers(number, cells, self.mapping, samples)
        if index:
            above = "Row 1" if number == 2 else f"Rows 1 to {number - 1}"
            self.report.notes.append(f"{above}, above the header row {number}, not imported (a title, not reviews).")
        return headers, buffered

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
        self.reader = RowReader(headers, self.lookups, epoch=table.epoch, csv=table.format == "csv",
                                partnerships=self.partnerships)
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
    def _ordered(self, problems: list[CellProblem]) -> list[CellProblem]:
        unique = list(dict.fromkeys(problems))
        unique.sort(key=lambda p: (self.column_order.get(p.column, len(self.column_order)),
                                   (REFUSED, TO_COMPLETE, NOTE).index(p.severity)))
        return unique

    def _refuse(self, row: ImportRow, problems: list[CellProblem], notes: list[CellProblem] = ()) -> None:
        refusals = [p for p in problems if p.severity == REFUSED]
        self.report.problems.extend(self._ordered([*refusals, *notes]))
        self.outcomes.pop(row.number, None)
        self.refused[row.number] = RefusedRow(row.number, next_step(refusals))
        if row.tracker_number:
            self.refused_tracker_numbers[row.tracker_number] = row.number

    def _problems(self, row: ImportRow, found: list[tuple[str, str]], category: str = "value") -> list[CellProblem]:
        return [self.reader.problem(row, name, message, category=category_of(name, message, category))
                for name, message in found]

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

    def _decision_problems(self, row: ImportRow, match: Any) -> list[tuple[str, str]]:
        """The lifecycle's rules on the row's decision, judged before anything is written."""
        if not (row.rapid_outcome and row.decision_date):
            return []
        data = merged_input(row, match) if match is not None else row.data
        if match is not None and match.review_type == ReviewType.RAPID and match.status != ReviewStatus.OPEN:
            if match.rapid_outcome != row.rapid_outcome.value or match.decision_date != row.decision_date:
                return [("decision_date", "The rapid review was already decided differently: an import never "
                                          "changes a decision (a national admin can reopen it).")]
            return []
        view = SimpleNamespace(review_type=data.review_type, status=ReviewStatus.OPEN.value, closed_on=None,
                               notification_date=data.notification_date, decision_date=None, rapid_outcome=None)
        try:
            lifecycle.decide_rapid_review(view, outcome=row.rapid_outcome, decision_date=row.decision_date,
                                          today=self.today)
        except lifecycle.TransitionRefused as exc:
            return [("decision_date", str(exc))]
        return [(v.field, v.message) for v in window_violations(data.normalised(), closes_on=row.decision_date)]

    def _entry_problems(self, row: ImportRow, match: Any) -> list[tuple[str, str]]:
        """The timeline's rules on the row's latest update, judged before anything is written."""
        if not row.latest_update or (match is not None and self._has_entry(match, row)):
            return []
        data = merged_input(row, match) if match is not None else row.data
        if data.date_added is None:
            return []
        try:
            checked_entry(SimpleNamespace(date_added=data.date_added), text=row.latest_update,
                          entry_date=row.latest_update_on, today=self.today)
        except ReviewRejected as exc:
            return [(v.field, v.message) for v in exc.violations]
        return []

    def _rule_problems(self, row: ImportRow, problems: list[CellProblem]) -> list[CellProblem]:
        """The form's rules on what could be read of a row with bad cells (columns already reported are skipped)."""
        try:
            match = self.index.find(row.data)
        except AmbiguousMatch:
            match = None
        data = merged_input(row, match) if match is not None else row.data
        refused, _ = split_missing(self._check(data, match), data.normalised(), COMPLETABLE)
        reported = {p.column for p in problems if p.severity == REFUSED}
        return [p for p in self._problems(row, [(v.field, v.message) for v in refused]) if p.column not in reported]

    def _check(self, data: ReviewInput, match: Any) -> list[Violation]:
        """Every rule the data breaks (the form's check_input)."""
        return check_input(self.session, data, actor=self.actor, today=self.today, review=match)

    def _tolerance(self, row: ImportRow) -> Tolerance:
        return Tolerance(known_missing=frozenset(row.known_missing))

    def _after_rows(self) -> None:
        """Called once every row is read, before the rapid review decisions (the bulk import writes here)."""

    # -- first pass: fields and latest update
    def _row(self, row: ImportRow) -> None:
        if row.remapped:
            self.report.remapped.append(row.remapped)
        notes = [p for p in row.problems if p.severity != REFUSED]
        problems = [p for p in row.problems if p.severity == REFUSED]
        problems += self._problems(row, self._consistency(row)) + self._problems(
            row, self.duplicates.check(row), "duplicate")
        org = row.data.organisation_code
        if org and not self.actor.scope.covers_location(org):
            message = f"Organisation is outside your scope ({self.actor.scope.label}): this row is not imported."
            return self._refuse(row, [*problems, *self._problems(row, [("organisation_code", message)], "scope")],
                                notes)
        try:
            match = self.index.find(row.data)
        except AmbiguousMatch as exc:
            return self._refuse(row, [*problems, *self._problems(row, [("local_identifier", str(exc))])], notes)
        problems += self._problems(row, self._decision_problems(row, match) + self._entry_problems(row, match))
        if problems:
            return self._refuse(row, problems + self._rule_problems(row, problems), notes)
        try:
            if match is None:
                review = self._create(row)
                outcome = RowOutcome(row.number, "create", row.identifier)
            else:
                review, outcome = match, self._update(row, match)
            outcome = self._latest_update(row, review, outcome)
        except ReviewRejected as exc:
            return self._refuse(row, self._problems(row, [(v.field, v.message) for v in exc.violations]), notes)
        except NotAllowed as exc:
            return self._refuse(row, self._problems(row, [("organisation_code", f"Not allowed: {exc}.")], "scope"),
                                notes)
        self.index.remember(review)
        missing = missing_fields(review)
        self.outcomes[row.number] = replace(outcome, to_complete=tuple(label(n) for n in missing))
        self.report.problems.extend(self._ordered([*notes, *self._flags(row, missing)]))
        self.review_ids[row.number] = review.id
        self.file_reviews.add(review, row.tracker_number)
        if row.rapid_outcome and row.decision_date:
            self.decisions.append((row, review.id))
        if row.status_in_file:
            self.statuses.append((row.number, row.status_in_file, review.id))
        return None

    def _flags(self, row: ImportRow, missing: tuple[str, ...]) -> list[CellProblem]:
        """One "to complete" problem per required field the imported review still lacks."""
        out = []
        for name in missing:
            if name == "partnership_id" and row.partnership_proposal is not None:
                why = (f"not on the managed list yet (new partnership {row.partnership_proposal} below: a national "
                       "admin can accept it)")
            else:
                why = MISSING_WHY.get(name, "required")
            message = (f"{label(name)} is missing ({why}): the review is imported and listed under To complete until "
                       "it is added.")
            out.append(self.reader.problem(row, name, message, severity=TO_COMPLETE, category="to complete"))
        return out

    def _create(self, row: ImportRow) -> Review:
        return create_review(self.session, data=row.data, actor=self.actor, now=self.now,
                             tolerate=self._tolerance(row))

    def _update(self, row: ImportRow, review: Review) -> RowOutcome:
        merged = merged_input(row, review)
        changes = changed_fields(input_from_review(review), merged)
        missing_before = missing_fields(review)
        self._edit(review, merged, row)
        if not changes and missing_fields(review) == missing_before:
            return RowOutcome(row.number, "unchanged", row.identifier, review.id)
        return RowOutcome(row.number, "update", row.identifier, review.id, changes)

    def _edit(self, review: Review, data: ReviewInput, row: ImportRow) -> None:
        update_review(self.session, review=review, expected_version=None, data=data, actor=self.actor, now=self.now,
                      tolerate=self._tolerance(row))

    def _entries(self, review: Any) -> set[tuple[Any, str]]:
        """The review's timeline entries as (date, text compared)."""
        rows = self.session.execute(select(ReviewUpdate.entry_date, ReviewUpdate.text)
                                    .where(ReviewUpdate.review_id == review.id))
        return {(d, entry_key(t)) for d, t in rows}

    def _has_entry(self, review: Any, row: ImportRow) -> bool:
        return has_entry(self._entries(review), row.latest_update, row.latest_update_on)

    def _add_update(self, row: ImportRow, review: Review) -> None:
        add_update(self.session, review=review, text=row.latest_update, entry_date=row.latest_update_on,
                   actor=self.actor, now=self.now, expected_version=None)

    def _latest_update(self, row: ImportRow, review: Any, outcome: RowOutcome) -> RowOutcome:
        if not row.latest_update or self._has_entry(review, row):
            return outcome
        self._add_update(row, review)
        action = "create" if outcome.action == "create" else "update"
        return replace(outcome, action=action, changes=(*outcome.changes, f"{label('latest_update')} (new timeline "
                                                                          "entry)"))

    # -- second pass: rapid review decisions (after every review they may point at exists)
    def _decide(self, row: ImportRow, review_id: int) -> None:
        review = self.session.get(Review, review_id)
        if review.status != ReviewStatus.OPEN:
            return  # decided already, the same way (checked in the first pass)
        if row.converted_to in self.refused_tracker_numbers:
            return self._undecided(row, f"the review it became (row {self.refused_tracker_numbers[row.converted_to]})"
                                        " is refused")
        try:
            target = self.file_reviews.conversion_target(self.session, review, row.rapid_outcome, row.converted_to)
            created = decide_rapid_review(self.session, review=review, outcome=row.rapid_outcome,
                                          decision_date=row.decision_date, actor=self.actor, now=self.now,
                                          expected_version=None, into=target, tolerate=Tolerance())
        except (ReviewRejected, NotAllowed) as exc:
            self.session.refresh(review)  # nothing of the decision is kept
            reason = "; ".join(v.message for v in exc.violations) if isinstance(exc, ReviewRejected) else str(exc)
            return self._undecided(row, reason.rstrip("."))
        change = label("rapid_outcome")
        if created is not None and target is None:
            change += " (creates the review it became, pre-filled as the form does)"
        previous = self.outcomes[row.number]
        action = "create" if previous.action == "create" else "update"
        self.outcomes[row.number] = replace(previous, action=action, changes=(*previous.changes, change))
        return None

    def _undecided(self, row: ImportRow, reason: str) -> None:
        message = (f"The decision was not recorded: {reason}. The review is imported as an open rapid review: record "
                   "its decision on the review.")
        self.report.problems.append(self.reader.problem(row, "decision_date", message, severity=TO_COMPLETE,
                                                        category="decision"))

    # -- the end: statuses the file claims, and the outcomes in row order
    def _statuses(self, ids: list[int]) -> dict[int, str]:
        """The status of each of these reviews now."""
        status_of: dict[int, str] = {}
        for start in range(0, len(ids), 500):
            status_of.update((rid, status) for rid, status in self.session.execute(
                select(Review.id, Review.status).where(Review.id.in_(ids[start:start + 500]))))
        return status_of

    def _finish(self) -> None:
        status_of = self._statuses([review_id for number, _, review_id in self.statuses if number in self.outcomes])
        for number, claimed, review_id in self.statuses:
            if number not in self.outcomes or status_of[review_id] == claimed:
                continue
            verb = "would be imported as" if self.report.dry_run else "is imported as"
            message = (f"The file says {claimed}; the review {verb} {status_of[review_id]}, as the rules say: status "
                       "follows the dates (sign-off, publication, rapid review decision) and is never typed.")
            self.report.problems.append(CellProblem(number, self.reader.column_header("status"), "text", message, NOTE,
                                                    "status"))
        keep_ids = not self.report.dry_run
        self.report.problems.sort(key=lambda p: p.row)
        self.report.outcomes = [
            replace(o, review_id=self.review_ids.get(n) if keep_ids or o.action != "create" else None)
            for n, o in sorted(self.outcomes.items())
        ]
        self.report.refused_rows = [self.refused[n] for n in sorted(self.refused)]
        self.report.new_partnerships = self.partnerships.report()
        if self.report.rows_read == 0:
            self.report.notes.append("The file has a header row but no reviews under it: there is nothing to import.")


MISSING_WHY = {
    "notification_date": f"a rapid review's {CLOCKS['rapid_review_due']['working_days']}-working-day clock starts "
                         "on it",
    "embargo_review_date": "an embargoed report needs the date its embargo is reviewed",
    "signed_off_date": "a published or embargoed report was signed off first",
    "publication_date": "a public report has a publication date",
    "publication_status": "say whether the report is public or embargoed",
    "dp_initials": "required",
    "themes": "theme 1 is required",
    "partnership_id": "required",
    "type_other_description": "describe a review of type Other",
}


def category_of(name: str, message: str, default: str) -> str:
    """What a rule's problem is about: patient identifiable data, the organisation, or the given default."""
    if "patient identifiable data" in message:
        return "pii"
    if name == "organisation_code" and default == "value":
        return "organisation"
    return default


def raise_empty() -> None:
    """A file whose rows are all blank (the reader refuses most of these first)."""
    raise ImportRefused("The file is empty: it has no rows with any value.")
