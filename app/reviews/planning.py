"""Planning a save of a review: the one step the form's services and the bulk import share.

`plan_save` judges a create or an edit with every rule (field rules, reference data, scope, the PII guard, a type
change after closing, the lifecycle's edit rules, the collection's window) and writes nothing. `carry_out` applies
a plan to a review (an ORM row, or the bulk import's in-memory draft): fields, the ICB and region as recorded, what
is left to complete, the status the lifecycle gives it, and the save itself: `mark_saved`, **one explicit version
increment per save** and `updated_at` from the service's `now` (the mapper counts nothing by itself:
`version_id_generator=False` on Review).

Only the import tolerates anything: it passes `tolerate=Tolerance(...)`, so a required field that a legacy tracker
never had (a rapid review's notification date, an embargo review date, the partnership...) leaves the review
"to complete" instead of refusing it. The form tolerates nothing, so a save from the form completes the review.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date, datetime
from types import SimpleNamespace
from typing import Any

from app.audit.service import diff
from app.orgs.hierarchy import RecordedHierarchy, UnknownOrganisation
from app.people.actor import Actor
from app.privacy.guard import check_fields
from app.reviews import lifecycle
from app.reviews.collection import window_violations
from app.reviews.fields import FIELD_LABELS, FREE_TEXT_FIELDS, IDENTIFIER_FIELDS, label
from app.reviews.references import ReferenceData, reference_violations
from app.reviews.rules import ReviewInput, Violation, validate
from app.reviews.types import ReviewStatus

SNAPSHOT_EXTRA = ("status", "closed_on", "decision_date", "rapid_outcome", "recorded_icb_code", "recorded_region_code")
# Required fields a legacy tracker may honestly lack: blank, they leave an imported review "to complete" (the
# review is true as far as it goes). A wrong value in them, or a blank in any other required field (type, date
# added, organisation, an identifier), refuses the row: see docs/IMPORT_EXPORT.md.
COMPLETABLE = frozenset({"dp_initials", "partnership_id", "themes", "notification_date", "signed_off_date",
                         "publication_date", "publication_status", "embargo_review_date", "type_other_description"})
Resolve = Callable[[str, date | None], RecordedHierarchy]


@dataclass(frozen=True)
class Tolerance:
    """What an import may leave to complete: required `fields` that are blank, and `known_missing` fields the file
    names but that could not be filled (a partnership not yet on the managed list)."""

    fields: frozenset[str] = COMPLETABLE
    known_missing: frozenset[str] = frozenset()


class ReviewRejected(ValueError):
    """The review breaks one or more rules; nothing was saved."""

    def __init__(self, violations: list[Violation]):
        super().__init__("; ".join(v.message for v in violations))
        self.violations = violations


@dataclass(frozen=True)
class SavePlan:
    """A judged save: the normalised input, the state before it, the ICB/region as recorded, what stays missing."""

    data: ReviewInput
    before: dict[str, Any]
    entry: RecordedHierarchy
    themes_changed: bool
    to_complete: tuple[str, ...]

    @property
    def creating(self) -> bool:
        """Whether the save creates the review."""
        return not self.before


@dataclass(frozen=True)
class SaveOutcome:
    """What carrying out a plan did: the audit trail's changes and the status change, if any."""

    changes: dict[str, Any]
    transition: lifecycle.Transition | None


def snapshot(review: Any) -> dict[str, Any]:
    """The review's editable fields and state, for audit before/after and conflict messages."""
    values = {name: getattr(review, name) for name in ReviewInput.field_names() if name != "themes"}
    values["themes"] = review.theme_codes
    for name in SNAPSHOT_EXTRA:
        values[name] = getattr(review, name)
    return values


def proposed_state(before: dict[str, Any], data: ReviewInput) -> dict[str, Any]:
    """A review's snapshot with the edited fields replaced (what the lifecycle judges an edit by)."""
    return {**before, **{n: getattr(data, n) for n in ReviewInput.field_names()}}


def privacy_violations(data: ReviewInput, *, today: date | None = None) -> list[Violation]:
    """Patient-identifiable data found in the identifier and free-text fields (never echoing the value); a birth
    date is judged on the service's `today`."""
    texts = {name: getattr(data, name) for name in IDENTIFIER_FIELDS + FREE_TEXT_FIELDS}
    findings = check_fields(texts, labels=FIELD_LABELS, identifier_fields=IDENTIFIER_FIELDS, today=today)
    return [Violation(f.field, f.message) for f in findings]


def check_with(refs: ReferenceData, data: ReviewInput, *, actor: Actor, today: date,
               review_id: int | None = None) -> list[Violation]:
    """Every rule a review's data breaks, with the reference data looked up by `refs` (the database or a cache)."""
    data = data.normalised()
    return (validate(data, today=today) + reference_violations(refs, data, actor, review_id)
            + privacy_violations(data, today=today))


def type_change_violations(review: Any, data: ReviewInput) -> list[Violation]:
    """A closed or converted review keeps its type."""
    if review.status != "open" and data.review_type != review.review_type:
        return [Violation("review_type", "The type of a closed or converted review cannot change.")]
    if review.partnership_id is not None and data.partnership_id is None:
        return [Violation("partnership_id", "Safeguarding partnership / board / CSP is required once recorded.")]
    return []


def _blank(data: ReviewInput, name: str) -> bool:
    value = getattr(data, name, None)
    return value is None or value == [] or value == ""


def split_missing(violations: list[Violation], data: ReviewInput,
                  tolerate: Collection[str]) -> tuple[list[Violation], tuple[str, ...]]:
    """(violations that refuse the save, names of tolerated fields that are only missing) in field order."""
    missing = {v.field for v in violations if v.field in tolerate and _blank(data, v.field)}
    refused = [v for v in violations if v.field not in missing]
    return refused, tuple(n for n in ReviewInput.field_names() if n in missing)


def missing_fields(review: Any) -> tuple[str, ...]:
    """The fields a review was saved without (the import's "to complete"), in field order."""
    return tuple(n for n in (getattr(review, "to_complete", None) or "").split(",") if n)


def missing_labels(review: Any) -> tuple[str, ...]:
    """What a review still lacks, in the form's words (the worklist, reminders, the import report)."""
    return tuple(label(name) for name in missing_fields(review))


def closes_on(state: dict[str, Any]) -> date | None:
    """The day a review in this state closed or will close on saving (None while it stays open)."""
    if state.get("status", ReviewStatus.OPEN) != ReviewStatus.OPEN:
        return state.get("closed_on")
    view = SimpleNamespace(**state)
    return lifecycle.closing_date(view) if lifecycle.can_close(view) else None


def judged_edit(review: Any, data: ReviewInput, violations: list[Violation],
                tolerate: Collection[str] = ()) -> tuple[dict[str, Any], dict[str, Any]]:
    """The review's snapshot and the state an edit proposes, or ReviewRejected with every broken rule (the field and
    reference `violations` already found, a type change after closing, then the lifecycle's edit rules)."""
    # a type change after closing, or a recorded partnership blanked, is never left "to complete"
    refused = split_missing(violations, data, tolerate)[0] + type_change_violations(review, data)
    if refused:
        raise ReviewRejected(refused)
    before = snapshot(review)
    proposed = proposed_state(before, data)
    lifecycle_violations = lifecycle.edit_violations(SimpleNamespace(**proposed))
    if lifecycle_violations:
        raise ReviewRejected(lifecycle_violations)
    return before, proposed


NEW_STATE: dict[str, Any] = {"status": ReviewStatus.OPEN.value, "closed_on": None}


def _in_order(names: Collection[str]) -> tuple[str, ...]:
    return tuple(n for n in ReviewInput.field_names() if n in names)


def plan_save(refs: ReferenceData, data: ReviewInput, *, actor: Actor, today: date, resolve: Resolve,
              review: Any | None = None, tolerate: Tolerance | None = None) -> SavePlan | None:
    """Judge a create (review=None) or an edit of `review`: the plan, None when an edit changes nothing, or
    ReviewRejected with every broken rule. Nothing is written."""
    data = data.normalised()
    fields = tolerate.fields if tolerate else frozenset()
    violations = check_with(refs, data, actor=actor, today=today, review_id=review.id if review is not None else None)
    if review is None:
        refused, missing = split_missing(violations, data, fields)
        if refused:
            raise ReviewRejected(refused)
        before, proposed = {}, proposed_state(NEW_STATE, data)
    else:
        before, proposed = judged_edit(review, data, violations, fields)
        missing = split_missing(violations, data, fields)[1]
    missing = _in_order({*missing, *(tolerate.known_missing if tolerate else ())})
    if review is not None and not diff(before, proposed) and missing == missing_fields(review):
        return None
    window = window_violations(data, closes_on=closes_on(proposed))
    if window:
        raise ReviewRejected(window)
    try:
        entry = resolve(data.organisation_code, data.date_added)
    except UnknownOrganisation as exc:
        raise ReviewRejected([Violation("organisation_code", str(exc))]) from None
    themes_changed = review is None or list(review.theme_codes) != data.themes
    return SavePlan(data, before, entry, themes_changed, missing)


def apply_input(target: Any, data: ReviewInput, entry: RecordedHierarchy) -> None:
    """Copy the input's fields (not the themes) onto a review or draft, with the ICB and region as recorded."""
    for name in ReviewInput.field_names():
        if name != "themes":
            setattr(target, name, getattr(data, name))
    target.recorded_organisation_name = entry.location_name
    target.recorded_icb_code = entry.icb_code
    target.recorded_icb_name = entry.icb_name
    target.recorded_region_code = entry.region_code
    target.recorded_region_name = entry.region_name
    target.recorded_vintage = entry.valid_from


def mark_saved(review: Any, *, now: datetime) -> None:
    """Count one save of a review: its version goes up by exactly one (a new review is version 1), and updated_at
    is the service's `now`. Every path that changes a review calls this once per save."""
    review.version = review.version + 1 if review.version else 1
    review.updated_at = now


def carry_out(target: Any, plan: SavePlan, *, now: datetime, set_themes: Callable[[list[str]], None]) -> SaveOutcome:
    """Apply a plan to a review or draft: themes (through `set_themes`), fields, what is left to complete, the status
    the lifecycle gives it, and the save's version. The changes are the create's values before any status change
    (the status change is its own audit event), or an edit's before/after."""
    was_closable = not plan.creating and lifecycle.can_close(target)
    if plan.creating:
        target.status, target.closed_on = ReviewStatus.OPEN.value, None
    if plan.themes_changed:
        set_themes(list(plan.data.themes))
    apply_input(target, plan.data, plan.entry)
    target.to_complete = ",".join(plan.to_complete) or None
    created = diff({}, snapshot(target)) if plan.creating else None
    transition = lifecycle.after_edit(target, was_closable=was_closable)
    mark_saved(target, now=now)
    return SaveOutcome(created if created is not None else diff(plan.before, snapshot(target)), transition)
