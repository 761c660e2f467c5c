"""The bulk import: every row checked with the review form's rules in memory, then written in batches.

`BulkImportRun` is `ImportRun` (the same reading, matching, duplicate and consistency checks, and report) with the
review services' writes replaced by their in-memory equivalents: reference data (locations, partnerships, themes,
the hierarchy) is read once, the reviews of the organisations a file names are read once per organisation, and
every save goes through the step the services share, `app.reviews.planning`: `plan_save` judges it (field rules,
reference data, scope, the PII guard, the lifecycle's edit rules, the collection's window) and `carry_out` applies
it to an in-memory draft, with the one version increment per save (`mark_saved`); the timeline's `checked_entry`
judges a new entry. The result is written with Core executemany (app.imports.writer) in the caller's one
transaction, committed or rolled back whole (for a dry run with rapid review decisions too, rolled back), so a
failure part-way leaves nothing of the file. Rapid review decisions, which
may create the review a rapid review became, then go through `decide_rapid_review` one row at a time in the same
transaction.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from sqlalchemy import select

from app.audit.service import event_values
from app.imports.plan import IDENTITY_FIELDS, ReviewIndex, entry_key
from app.imports.report import REFUSED, CellProblem, RefusedRow
from app.imports.run import ImportRun, next_step
from app.imports.writer import COLUMNS, REVIEW, UPDATE, ImportWrites, use_ids
from app.orgs.hierarchy import hierarchy_snapshot
from app.orgs.models import Partnership
from app.people.actor import require
from app.people.roles import Permission
from app.reviews import lifecycle
from app.reviews.access import require_review_access
from app.reviews.models import Review, ReviewTheme, ReviewUpdate
from app.reviews.planning import carry_out, check_with, mark_saved, plan_save
from app.reviews.references import CachedReferences
from app.reviews.rules import ReviewInput, Violation
from app.reviews.service import transition_audit
from app.reviews.timeline import checked_entry, update_audit

NEW_REVIEW = dict.fromkeys(COLUMNS)


class DraftIndex(ReviewIndex):
    """ReviewIndex over in-memory drafts: every review of an organisation read once (columns, themes, latest
    update text), kept up to date as the import plans creates and edits; also answers who owns an identifier."""

    def __init__(self, session):
        super().__init__(session)
        self.drafts: dict[int, SimpleNamespace] = {}
        self.owners: dict[tuple[str, str, str], set[int]] = {}
        self.owner_keys: dict[int, list[tuple[str, str, str]]] = {}
        self.types: dict[int, str | None] = {}
        self.loaded_version: dict[int, int] = {}
        self.entries: dict[int, set[tuple[Any, str]]] = {}

    def _load(self, org: str) -> None:
        self.loaded.add(org)
        query = select(*Review.__table__.c).where(Review.__table__.c.organisation_code == org)
        updates = ReviewUpdate.__table__.c
        entry_query = (select(updates.review_id, updates.entry_date, updates.text).join(
            Review.__table__, Review.__table__.c.id == updates.review_id).where(Review.__table__.c.organisation_code
                                                                                == org))
        for rid, entry_date, text in self.session.execute(entry_query):
            self.entries.setdefault(rid, set()).add((entry_date, entry_key(text)))
        themes: dict[int, list[str]] = {}
        theme_query = (select(ReviewTheme.review_id, ReviewTheme.theme_code).join(Review)
                       .where(Review.organisation_code == org).order_by(ReviewTheme.review_id, ReviewTheme.position))
        for rid, code in self.session.execute(theme_query):
            themes.setdefault(rid, []).append(code)
        for row in self.session.execute(query).mappings():
            draft = SimpleNamespace(**row, theme_codes=themes.get(row["id"], []))
            self.loaded_version[draft.id] = draft.version
            self.add(draft)

    def add(self, draft: SimpleNamespace) -> None:
        """Index a review (read from the database or planned by the import)."""
        self.drafts[draft.id] = draft
        self._put(draft.id, ReviewInput(**{n: getattr(draft, n) for n in ("organisation_code", "review_type",
                                                                          *IDENTITY_FIELDS)}))

    def _put(self, rid: int, data: ReviewInput) -> None:
        super()._put(rid, data)
        self._own(rid, data)

    def saved(self, draft: SimpleNamespace) -> None:
        """A review the import creates or edits: its identifiers are taken at once (as a flush takes them in the
        database); rows match it by them once ImportRun remembers it (the row went through)."""
        self.drafts[draft.id] = draft
        self._own(draft.id, ReviewInput(**{n: getattr(draft, n) for n in ("organisation_code", "review_type",
                                                                          *IDENTITY_FIELDS)}))

    def _own(self, rid: int, data: ReviewInput) -> None:
        for key in self.owner_keys.pop(rid, []):
            self.owners[key].discard(rid)
        org = (data.organisation_code or "").strip().upper()
        keys = [(name, org, value.strip()) for name in IDENTITY_FIELDS if (value := getattr(data, name))]
        self.owner_keys[rid] = keys
        for key in keys:
            self.owners.setdefault(key, set()).add(rid)
        self.types[rid] = data.review_type

    def _review(self, rid: int) -> SimpleNamespace:
        return self.drafts[rid]

    def owner(self, name: str, organisation_code: str, value: str, review_type: str | None,
              exclude_id: int | None) -> int | None:
        """Another review of the organisation using the identifier (as SessionReferences would find it now)."""
        if organisation_code not in self.loaded:
            self._load(organisation_code)
        ids = [i for i in self.owners.get((name, organisation_code, value), ())
               if i != exclude_id and (review_type is None or self.types[i] == review_type)]
        return min(ids) if ids else None


class BulkImportRun(ImportRun):
    """ImportRun with the rows judged in memory by the services' planning step and written in batches."""

    def __init__(self, session, **kwargs: Any):
        super().__init__(session, **kwargs)
        self.writes = ImportWrites(session, row_of=lambda: self.current_row)
        self.index = DraftIndex(session)
        self.writes.loaded_version = self.index.loaded_version
        self.refs = CachedReferences(session, owner=self.index.owner)
        self.hierarchy = hierarchy_snapshot(session)
        self.partnerships.record_event = lambda **values: self.writes.event(event_values(**values))
        self.written = False

    def _partnership_added(self, partnership: Partnership) -> None:
        self.refs.partnerships[partnership.id] = (True, partnership.icb_code, partnership.kind)

    # -- the rules (the same planning step create_review / update_review call)
    def _check(self, data: ReviewInput, match: Any) -> list[Violation]:
        return check_with(self.refs, data, actor=self.actor, today=self.today,
                          review_id=match.id if match is not None else None)

    def _plan(self, row, data: ReviewInput, review: SimpleNamespace | None):
        return plan_save(self.refs, data, actor=self.actor, today=self.today, resolve=self.hierarchy.resolve,
                         review=review, tolerate=self._tolerance(row))

    def _event(self, action: str, draft: SimpleNamespace, **values: Any) -> None:
        values.setdefault("entity", "review")
        values.setdefault("entity_id", draft.id)
        self.writes.event(event_values(action=action, actor=self.actor, now=self.now, review_id=draft.id,
                                       review_version=draft.version, **values))

    def _set_themes(self, draft: SimpleNamespace):
        def set_themes(codes: list[str]) -> None:
            draft.theme_codes = codes
        return set_themes

    # -- create_review
    def _create(self, row) -> SimpleNamespace:
        require(self.actor, Permission.EDIT_REVIEWS)
        plan = self._plan(row, row.data, None)
        draft = SimpleNamespace(**NEW_REVIEW)
        draft.id = self.writes.review_ids.take()
        draft.created_by_id, draft.created_at = self.actor.user_id, self.now
        draft.theme_codes = []
        outcome = carry_out(draft, plan, now=self.now, set_themes=self._set_themes(draft))
        self._event("review.create", draft, changes=outcome.changes)
        if outcome.transition:
            self._event("review.status", draft, **transition_audit(outcome.transition))
        self.index.saved(draft)
        self.writes.created_review(draft)
        return draft

    # -- update_review
    def _edit(self, review: SimpleNamespace, data: ReviewInput, row) -> None:
        require_review_access(self.actor, review, Permission.EDIT_REVIEWS)
        plan = self._plan(row, data, review)
        if plan is None:
            return
        outcome = carry_out(review, plan, now=self.now, set_themes=self._set_themes(review))
        self._event("review.edit", review, changes=outcome.changes)
        if outcome.transition:
            self._event("review.status", review, **transition_audit(outcome.transition))
        self.index.saved(review)
        self.writes.changed_review(review, themes=plan.themes_changed)

    # -- add_update
    def _entries(self, review: SimpleNamespace) -> set[tuple[Any, str]]:
        return self.index.entries.get(review.id, set())

    def _add_update(self, row, review: SimpleNamespace) -> None:
        require_review_access(self.actor, review, Permission.POST_UPDATES)
        text, entry_date = checked_entry(review, text=row.latest_update, entry_date=row.latest_update_on,
                                         today=self.today)
        update_id = self.writes.update_ids.take()
        self.writes.update({"id": update_id, "review_id": review.id, "entry_date": entry_date, "text": text,
                            "author_id": self.actor.user_id, "author_label": self.actor.label, "created_at": self.now})
        if review.latest_update_on is None or entry_date >= review.latest_update_on:  # the newest entry (latest id)
            review.latest_update_id, review.latest_update_on = update_id, entry_date
        self.index.entries.setdefault(review.id, set()).add((entry_date, entry_key(text)))
        mark_saved(review, now=self.now)
        self._event("review.update", review, entity="review_update", entity_id=update_id, **update_audit(entry_date))
        self.writes.changed_review(review, themes=False)

    # -- the write, before the rapid review decisions (which go through the services)
    def _after_rows(self) -> None:
        """A commit writes the whole file in the caller's one transaction (committed or rolled back whole); a dry run
        writes only when rapid review decisions need the reviews in the database (then rolled back), so it usually
        holds no write lock."""
        if self.report.dry_run and not self.decisions:
            reviews, updates = self.writes.new_rows
            use_ids(self.session, REVIEW, reviews)
            use_ids(self.session, UPDATE, updates)
            return
        self.writes.write()
        self.written = True
        self._real_ids()
        for number, review_id in self.writes.conflicts:
            self._saved_meanwhile(number, review_id)
        conflicted = {review_id for _, review_id in self.writes.conflicts}
        written = [self.writes.review_ids(d.id) for _, d in self.writes.created]
        written += [review_id for review_id in self.writes.changed if review_id not in conflicted]
        lifecycle.keep_history(self.session, written, now=self.now)
        self.session.expire_all()

    def _real_ids(self) -> None:
        """Every provisional review id the run kept, replaced by the real one the write gave it."""
        real = self.writes.review_ids
        self.review_ids = {n: real(i) for n, i in self.review_ids.items()}
        self.decisions = [(row, real(i)) for row, i in self.decisions]
        self.statuses = [(n, claimed, real(i)) for n, claimed, i in self.statuses]
        files = self.file_reviews
        files.by_tracker_number = {k: real(i) for k, i in files.by_tracker_number.items()}
        files.by_identity = {k: [(t, real(i)) for t, i in v] for k, v in files.by_identity.items()}

    def _saved_meanwhile(self, number: int, review_id: int) -> None:
        """A row left out of the write because someone saved its review after the import read it."""
        self.outcomes.pop(number, None)
        self.review_ids.pop(number, None)
        self.decisions = [(row, i) for row, i in self.decisions if row.number != number]
        self.statuses = [s for s in self.statuses if s[0] != number]
        message = (f"Someone saved review No. {review_id} while the file was being imported: this row was not "
                   "imported, so their save is kept.")
        self.report.problems.append(CellProblem(number, "", "row", message, REFUSED, "conflict"))
        self.refused[number] = RefusedRow(number, next_step([self.report.problems[-1]]))

    def _statuses(self, ids: list[int]) -> dict[int, str]:
        if self.written:
            return super()._statuses(ids)
        return {i: self.index.drafts[i].status for i in ids}
