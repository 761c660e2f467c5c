"""Request handling for a review's page and its action forms; every rule is in the review services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import abort, current_app, flash, request
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from app.admin.base import tracker_today
from app.admin.exports import export_response
from app.admin.review_action_states import action_states
from app.audit.models import AuditEvent
from app.audit.service import action_label
from app.extensions import db
from app.notifications.plan import notification_plan
from app.notifications.settings import NotificationSettings
from app.orgs.models import Partnership
from app.people.actor import NotAllowed
from app.people.roles import Permission
from app.reviews import actions as review_actions
from app.reviews import links, recommendations
from app.reviews.access import ReviewNotFound, load_review, may_access
from app.reviews.actions import suggested_identifier
from app.reviews.clocks import review_clocks
from app.reviews.fields import label
from app.reviews.limits import REASON_LIMITS
from app.reviews.models import RecommendationAction, Review
from app.reviews.service import EditConflict, ReviewRejected
from app.reviews.timeline import add_update as add_timeline_update
from app.reviews.timeline import timeline
from app.reviews.types import DHR_TYPES, RAPID_OUTCOME_LABELS, RapidOutcome, ReviewStatus, ReviewType, type_label
from app.types import utcnow

HISTORY_LIMIT = 200


def _parse_date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


MAX_VERSION = 2**31 - 1
NO_VERSION = ("This form did not say which version of the review it was opened at, so saving it could overwrite "
              "someone else's change. Nothing was saved. Reload the review, then make your change again.")


def submitted_version(value: str | None) -> int | None:
    """The review version a form was opened at, or None when it is missing or not a version number."""
    value = (value or "").strip()
    return int(value) if value.isdigit() and 0 < int(value) <= MAX_VERSION else None


def _version() -> int:
    """An action form's version; missing, empty or not a version number is refused (400): every form carries it."""
    version = submitted_version(request.form.get("version"))
    if version is None:
        abort(400, description=NO_VERSION)
    return version


def flash_conflict(exc: EditConflict) -> None:
    """Tell the user what changed under them, field by field; nothing of theirs was saved."""
    blank = "(blank)"
    rows = Markup("").join(
        Markup("<li><b>{}</b>: now <code>{}</code>{}</li>").format(
            c.label,
            blank if c.theirs is None else c.theirs,
            Markup(", yours <code>{}</code>").format(c.yours) if c.yours is not None else "",
        )
        for c in exc.changed
    )
    flash(Markup("{} What changed:<ul>{}</ul>Reload the review to see the latest version, then make your change "
                 "again.").format(str(exc), rows), "error")


def lost_race(review: Review) -> EditConflict:
    """Another save of the same review was committed between this one's version check and its write (two saves
    at the same instant: SQLAlchemy's StaleDataError): the same refusal as any other conflict."""
    db.session.rollback()
    return EditConflict(review, [], [])


@dataclass
class Refused:
    """An action form the services refused: which form, what the user typed (kept), and the messages by field."""

    form: str
    values: dict
    errors: list[tuple[str, str]]  # (field, message)

    def error(self, name: str) -> list[str]:
        """The messages of one field of the refused form."""
        return [m for f, m in self.errors if f == name]


def refuse(view, review: Review, form: str, errors: list[tuple[str, str]]):
    """Show the review page again with the form as the user filled it and the messages (nothing was saved)."""
    refused = Refused(form, request.form.to_dict(), errors)
    return view.render(view.details_template, **details_context(view, review, refused=refused))


def _run(view, review: Review, action, success, form: str):
    """Run a review service action and commit; on success flash it and go back to the review's page, on refusal show
    the page again with the user's input kept."""
    try:
        result = action()
        db.session.commit()
    except NotAllowed:
        db.session.rollback()
        abort(403)
    except ReviewNotFound:
        db.session.rollback()
        abort(404)
    except (ReviewRejected, links.LinkRefused) as exc:
        db.session.rollback()
        return refuse(view, review, form, [(v.field, v.message) for v in exc.violations])
    except EditConflict as exc:
        db.session.rollback()
        flash_conflict(exc)
        return refuse(view, review, form, [])
    except StaleDataError:
        flash_conflict(lost_race(review))
        return refuse(view, review, form, [])
    flash(success if not callable(success) else success(result), "success")
    return view.redirect_to(review)


def decision_choices() -> list[tuple[str, str]]:
    """The decide form's choices: each outcome with each review type it may become (SAR mandatory or discretionary,
    DHR adult or child), then no further review."""
    out = []
    for outcome in RapidOutcome:
        family = outcome.family
        if len(family) > 1:
            out += [(f"{outcome.value}:{t.value}", ReviewType(t).label) for t in family]
        else:
            out.append((outcome.value, RAPID_OUTCOME_LABELS[outcome]))
    return out


def partnership_choices(scope) -> list[tuple[int, str]]:
    """Active partnerships the user may choose, with their kind (the decide form's new-review partnership)."""
    query = select(Partnership).where(Partnership.active.is_(True), scope.icb_clause(Partnership.icb_code))
    return [(p.id, f"{p.name} ({Partnership.KINDS.get(p.kind, p.kind)})")
            for p in db.session.scalars(query.order_by(Partnership.name))]


def details_context(view, review: Review, refused: Refused | None = None) -> dict:
    """Everything the review page shows: fields, clocks, timeline, history, the actions the user may take and why
    any is not allowed, and a refused form's input and messages.

    An action is offered when the user may act on the review (app/reviews/access.py) and the lifecycle allows it
    (app/reviews/lifecycle.py: why_not); app/admin/review_action_states.py joins the two for the page.
    """
    actor = view.actor
    today = tracker_today()
    history = db.session.scalars(
        select(AuditEvent).where(AuditEvent.review_id == review.id)
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc()).limit(HISTORY_LIMIT)
    ).all()
    states = action_states(review, actor)
    refusals = {action: state.reasons for action, state in states.items()}
    refusals["track"] = recommendations.why_not_track(review)
    may_edit = may_access(actor, review, Permission.EDIT_REVIEWS)
    return {
        "actions": states,
        "refused": refused,
        "model": review,
        "review": review,
        "clocks": review_clocks(review, today=today, config=current_app.config["CLOCKS"]),
        "updates": timeline(db.session, review, actor=actor),
        "history": history,
        "field_label": label,
        "action_label": action_label,
        "today": today,
        "type_label": type_label(review.review_type, review.date_added),
        "linked": links.linked_reviews(db.session, review, actor.scope),
        "link_reasons": links.LINK_REASONS,
        "qa_stage": review.review_type in DHR_TYPES,
        "status_label": ReviewStatus(review.status).label,
        "outcome_label": RAPID_OUTCOME_LABELS.get(review.rapid_outcome, review.rapid_outcome or None),
        "can_edit": may_edit,
        "can_post": may_access(actor, review, Permission.POST_UPDATES),
        "can_decide": states["decide"].allowed,
        "can_close": states["close"].allowed,
        "can_reopen": states["reopen"].allowed,
        "can_snooze": states["snooze"].allowed,
        "can_track": may_edit and not refusals["track"],
        "refusals": refusals,
        "reason_limits": REASON_LIMITS,
        "action_statuses": RecommendationAction.STATUSES,
        "outcomes": decision_choices(),
        "partnership_choices": partnership_choices(actor.scope),
        "suggested_identifiers": {o.value: suggested_identifier(review, o) or "" for o in RapidOutcome},
        "return_url": view.get_url(".index_view"),
        "notification_plan": notification_plan(db.session, review, today=today,
                                               config=NotificationSettings.from_config(current_app.config)),
    }


def add_update(view, review: Review):
    """POST a timeline entry."""
    actor = view.actor
    return _run(view, review, lambda: add_timeline_update(
        db.session, review=review, text=request.form.get("text", ""),
        entry_date=_parse_date(request.form.get("entry_date")), actor=actor, now=utcnow(),
        expected_version=_version()), "Update added to the timeline.", "update")


def decide(view, review: Review):
    """POST a rapid review decision (convert, or no further review)."""
    code, _, subtype = request.form.get("outcome", "").partition(":")
    try:
        outcome = RapidOutcome(code)
        becomes = ReviewType(subtype) if subtype else None
    except ValueError:
        return refuse(view, review, "decide", [("outcome", "Choose the rapid review's decision.")])
    partnership = request.form.get("partnership_id", "")
    decision_date = _parse_date(request.form.get("decision_date"))
    if decision_date is None:
        return refuse(view, review, "decide", [("decision_date", "Enter the decision date.")])
    actor = view.actor

    def message(created):
        if created is None:
            return "Rapid review closed: no further review."
        return Markup('Rapid review converted. The new review is <a href="{}">#{}</a>: check its details.').format(
            view.details_url(created), created.id)

    return _run(view, review, lambda: review_actions.decide_rapid_review(
        db.session, review=review, outcome=outcome, decision_date=decision_date, actor=actor, now=utcnow(),
        expected_version=_version(), new_local_identifier=request.form.get("new_local_identifier") or None,
        becomes=becomes, partnership_id=int(partnership) if partnership.isdigit() else None),
        message, "decide")


def link(view, review: Review):
    """POST a link to another review of the same incident (by its tracker number)."""
    actor = view.actor
    other_id = request.form.get("linked_review_id", "").strip().lstrip("#")
    try:
        other = load_review(db.session, other_id, actor.scope)
    except ReviewNotFound:
        return refuse(view, review, "link", [("linked_review_id", "No review with that tracker number in your area: "
                                                                  "give the tracker number (e.g. 1234) of a review "
                                                                  "you can see.")])
    return _run(view, review, lambda: links.link_reviews(
        db.session, review=review, other=other, reason=request.form.get("reason", ""), actor=actor, now=utcnow()),
        f"Linked to review #{other.id}.", "link")


def unlink(view, review: Review):
    """POST removing a link between two reviews."""
    actor = view.actor
    try:
        other = load_review(db.session, request.form.get("linked_review_id"), actor.scope)
    except ReviewNotFound:
        abort(404)
    return _run(view, review, lambda: links.unlink_reviews(
        db.session, review=review, other=other, actor=actor, now=utcnow()), f"Link to review #{other.id} removed.",
        "unlink")


def close(view, review: Review):
    """POST close."""
    actor = view.actor
    return _run(view, review, lambda: review_actions.close_review(
        db.session, review=review, actor=actor, now=utcnow(), expected_version=_version()), "Review closed.", "close")


def reopen(view, review: Review):
    """POST reopen with a reason (national admins)."""
    actor = view.actor
    return _run(view, review, lambda: review_actions.reopen_review(
        db.session, review=review, reason=request.form.get("reason", ""), actor=actor, now=utcnow(),
        expected_version=_version()), "Review reopened.", "reopen")


def snooze(view, review: Review):
    """POST snooze (or lift the snooze) of stale-review reminders."""
    actor = view.actor
    until = None if request.form.get("lift") else _parse_date(request.form.get("until"))
    if not request.form.get("lift") and until is None:
        return refuse(view, review, "snooze", [("until", "Enter the date to snooze the reminders until.")])
    return _run(view, review, lambda: review_actions.snooze_reminders(
        db.session, review=review, until=until, reason=request.form.get("reason", ""), actor=actor, now=utcnow(),
        expected_version=_version(), max_days=current_app.config["NOTIFICATIONS"]["snooze_max_days"]),
        "Reminders snoozed." if until else "Snooze lifted.", "snooze")


def add_recommendation(view, review: Review):
    """POST a recommendation to track as an action."""
    actor = view.actor
    form = request.form
    return _run(view, review, lambda: recommendations.add_action(
        db.session, review=review, recommendation=form.get("recommendation", ""),
        owner_organisation=form.get("owner_organisation", ""), target_date=_parse_date(form.get("target_date")),
        status=form.get("status", "not started"), evidence=form.get("evidence"), actor=actor, now=utcnow(),
        expected_version=_version()), "Recommendation added as an action.", "recommendation")


def update_recommendation(view, review: Review):
    """POST a change to a tracked recommendation's status, evidence or target date."""
    actor = view.actor
    form = request.form
    return _run(view, review, lambda: recommendations.update_action(
        db.session, review=review, action_id=form.get("action_id", ""), status=form.get("status", ""),
        evidence=form.get("evidence"),
        target_date=_parse_date(form.get("target_date")), actor=actor, now=utcnow(),
        expected_version=_version()), "Action updated.", "recommendation-update")


def export(view, export_type: str):
    """Stream the current list (filters, search, sort, scope) as CSV or XLSX, recorded in the audit trail."""
    if export_type not in view.export_types:
        abort(404)
    if not view.actor.can(Permission.EXPORT):
        abort(403)
    view_args = view._get_list_extra_args()
    sort_column = view._get_column_by_idx(view_args.sort)
    _, query = view.get_list(0, sort_column[0] if sort_column else None, view_args.sort_desc, view_args.search,
                             view_args.filters, execute=False, page_size=0)
    described = {"search": view_args.search or "", "filters": [f"{name}={value}" for _, name, value in
                                                                 (view_args.filters or [])]}
    return export_response(query=query, export_type=export_type, actor=view.actor,
                           max_rows=current_app.config["EXPORT_MAX_ROWS"], described=described)
