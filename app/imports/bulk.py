"""The bulk import: every row checked with the review form's rules in memory, then written in batches.

`BulkImportRun` is `ImportRun` (the same reading, matching, duplicate and consistency checks, and report) with the
review services' writes replaced by their in-memory equivalents: reference data (locations, partnerships, themes,
the hierarchy) is read once, the reviews of the organisations a file names are read once per organisation, and
every row is judged by the same rule functions the services call (`check_with` = validate + reference_violations
+ privacy_violations, `judged_edit` (the edit rules the services apply), `lifecycle.after_edit`, `checked_entry`). The
result is written with Core executemany (app.imports.writer) in the caller's transaction, for the dry run too
(which the caller rolls back), so both report exactly the same. Rapid review decisions, which may create the
review a rapid review became, then go through `decide_rapid_review` one row at a time in the same transaction.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from sqlalchemy import select

from app.audit.service import diff, event_values
from app.imports.plan import IDENTITY_FIELDS, ReviewIndex
from app.imports.service import ImportRun
from app.imports.writer import COLUMNS, ImportWrites
from app.orgs.hierarchy import UnknownOrganisation, hierarchy_snapshot
from app.people.actor import require
from app.people.roles import Permission
from app.reviews import lifecycle
from app.reviews.access import require_review_access
from app.reviews.models import Review, ReviewTheme, ReviewUpdate
from app.reviews.references import CachedReferences
from app.reviews.rules import ReviewInput, Violation
from app.reviews.service import (
    ReviewRejected,
    apply_input,
    check_with,
    judged_edit,
    snapshot,
    transition_audit,
)
from app.reviews.timeline import checked_entry, update_audit
from app.timezone import london_today

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

    def _load(self, org: str) -> None:
        self.loaded.add(org)
        latest = ReviewUpdate.__table__.c.text.label("latest_text")
        query = (select(*Review.__table__.c, latest)
                 .outerjoin(ReviewUpdate.__table__, ReviewUpdate.__table__.c.id == Review.__table__.c.latest_update_id)
                 .where(Review.__table__.c.organisation_code == org))
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


def _columns(draft: SimpleNamespace) -> tuple:
    return tuple(getattr(draft, name) for name in COLUMNS if name != "version")


def flushes(columns_changed: bool, themes_changed: bool) -> int:
    """How many times update_review's flushes raise the review's version (SQLAlchemy's version counter goes up on
    every flush that updates the row or its collections): once for the removed themes, once for the edit."""
    return int(themes_changed) + int(columns_changed or themes_changed)


class BulkImportRun(ImportRun):
    """ImportRun with the rows judged in memory by the services' rule functions and written in batches."""

    def __init__(self, session, **kwargs: Any):
        super().__init__(session, **kwargs)
        self.today = london_today(self.now)
        self.writes = ImportWrites(session)
        self.index = DraftIndex(session)
        self.writes.loaded_version = self.index.loaded_version
        self.refs = CachedReferences(session, owner=self.index.owner)
        self.hierarchy = hierarchy_snapshot(session)

    # -- the rules (the same functions create_review / update_review / add_update call)
    def _check(self, data: ReviewInput, match: Any) -> list[Violation]:
        return check_with(self.refs, data, actor=self.actor, today=self.today,
                          review_id=match.id if match is not None else None)

    def _resolve(self, data: ReviewInput):
        try:
            return self.hierarchy.resolve(data.organisation_code, data.date_added)
        except UnknownOrganisation as exc:
            raise ReviewRejected([Violation("organisation_code", str(exc))]) from None

    def _event(self, action: str, draft: SimpleNamespace, **values: Any) -> None:
        values.setdefault("entity", "review")
        values.setdefault("entity_id", draft.id)
        self.writes.events.append(event_values(action=action, actor=self.actor, now=self.now, review_id=draft.id,
                                               review_version=draft.version, **values))

    def _transition(self, draft: SimpleNamespace, transition) -> None:
        self._event("review.status", draft, **transition_audit(transition))

    # -- create_review
    def _create(self, row) -> SimpleNamespace:
        require(self.actor, Permission.EDIT_REVIEWS)
        data = row.data.normalised()
        violations = self._check(data, None)
        if violations:
            raise ReviewRejected(violations)
        entry = self._resolve(data)
        draft = SimpleNamespace(**NEW_REVIEW)
        draft.id = self.writes.review_ids.take()
        draft.version, draft.status, draft.created_by_id = 1, "open", self.actor.user_id
        draft.created_at = draft.updated_at = self.now
        draft.theme_codes, draft.latest_text = list(data.themes), None
        apply_input(draft, data, entry)
        self._event("review.create", draft, changes=diff({}, snapshot(draft)))
        transition = lifecycle.after_edit(draft, was_closable=False)
        if transition:
            draft.version += 1
            self._transition(draft, transition)
        self.index.saved(draft)
        self.writes.created_review(draft)
        return draft

    # -- update_review
    def _edit(self, review: SimpleNamespace, data: ReviewInput) -> None:
        require_review_access(self.actor, review, Permission.EDIT_REVIEWS)
        data = data.normalised()
        before, proposed = judged_edit(review, data, self._check(data, review))
        if not diff(before, proposed):
            return
        was_closable = lifecycle.can_close(review)
        entry = self._resolve(data)
        columns = _columns(review)
        themes = review.theme_codes != data.themes
        review.theme_codes = list(data.themes)
        apply_input(review, data, entry)
        transition = lifecycle.after_edit(review, was_closable=was_closable)
        changes = diff(before, snapshot(review))
        review.updated_at = self.now
        review.version += flushes(columns != _columns(review), themes)
        self._event("review.edit", review, changes=changes)
        if transition:
            self._transition(review, transition)
        self.index.saved(review)
        self.writes.changed_review(review, themes=themes)

    # -- add_update
    def _latest_text(self, review: SimpleNamespace) -> str | None:
        return review.latest_text

    def _add_update(self, row, review: SimpleNamespace) -> None:
        require_review_access(self.actor, review, Permission.POST_UPDATES)
        text, entry_date = checked_entry(review, text=row.latest_update, entry_date=row.latest_update_on,
                                         today=self.today)
        update_id = self.writes.update_ids.take()
        self.writes.updates.append({"id": update_id, "review_id": review.id, "entry_date": entry_date, "text": text,
                                    "author_id": self.actor.user_id, "author_label": self.actor.label,
                                    "created_at": self.now})
        if review.latest_update_on is None or entry_date >= review.latest_update_on:  # the newest entry (latest id)
            review.latest_update_id, review.latest_update_on, review.latest_text = update_id, entry_date, text
        review.updated_at = self.now
        review.version += 2  # the service's two flushes: the new entry, then the review's latest update
        self._event("review.update", review, entity="review_update", entity_id=update_id, **update_audit(entry_date))
        self.writes.changed_review(review, themes=False)

    # -- the write, before the rapid review decisions (which go through the services)
    def _after_rows(self) -> None:
        self.writes.write()
        lifecycle.keep_history(self.session, [d.id for d in self.writes.created] + list(self.writes.changed),
                               now=self.now)
        self.session.expire_all()
