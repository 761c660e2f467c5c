"""The reviews screens: list, details (clocks, timeline, history), create, edit and the status actions."""

from __future__ import annotations

from datetime import date

from flask import abort, current_app, flash, g, redirect, request, url_for
from flask_admin import expose
from markupsafe import Markup
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from app.admin import review_actions
from app.admin.base import ScopedModelView, tracker_today
from app.admin.capped_count import CappedCount
from app.admin.formatting import uk_date, yes_no
from app.admin.review_filters import review_filters
from app.admin.review_form import (
    ReviewForm,
    attach_violations,
    form_sections,
    prefill_themes,
    set_choices,
    to_input,
)
from app.extensions import db
from app.people.actor import NotAllowed
from app.people.roles import Permission
from app.reviews.access import in_scope
from app.reviews.clocks import review_clocks
from app.reviews.fields import FIELD_LABELS
from app.reviews.identifier_search import identifier_clause
from app.reviews.links import duplicate_warnings
from app.reviews.models import Review
from app.reviews.rules import save_warnings
from app.reviews.service import EditConflict, ReviewRejected, create_review, delete_review, update_review
from app.reviews.types import ReviewStatus, ReviewType, type_choices, type_label, type_short
from app.types import utcnow

RAG_TAG = {"red": "nhsuk-tag--red", "amber": "nhsuk-tag--orange", "green": "nhsuk-tag--green"}
FORM_TEMPLATE = "admin/reviews/form.html"



def clock_badges(review: Review, *, today: date | None = None) -> Markup:
    """NHS tags, one per running clock (red / orange / green, each with its words, not colour alone)."""
    clocks = review_clocks(review, today=today or tracker_today(), config=current_app.config["CLOCKS"])
    if not clocks:
        return Markup('<span class="tracker-muted">No clock running</span>')
    tag = Markup('<strong class="nhsuk-tag {} clock-{}" title="{}: due {}">{}: {}</strong>')
    return Markup(" ").join(
        tag.format(RAG_TAG[c.rag], c.rag, c.label, uk_date(c.due), c.label, c.summary)
        for c in sorted(clocks, key=lambda c: c.days_left)
    )


def _latest_update(view, context, model: Review, name) -> Markup:
    update = model.latest_update
    if update is None:
        return Markup('<span class="tracker-muted">None yet</span>')
    age = (tracker_today() - update.entry_date).days
    text = update.text if len(update.text) <= 80 else update.text[:77] + "..."
    return Markup('{} <span class="tracker-muted">({}, {} days ago)</span>').format(text, uk_date(update.entry_date),
                                                                                 age)


def _type(view, context, model: Review, name) -> str:
    return type_short(model.review_type, model.date_added)


def _status(view, context, model: Review, name) -> str:
    return ReviewStatus(model.status).label


def _identifier(view, context, model: Review, name) -> Markup:
    if "review_details_url" not in g:  # url_for once per request, not once per row
        g.review_details_url = url_for(".details_view")
    return Markup('<a href="{}?id={}">{}</a>').format(g.review_details_url, model.id, model.identifier)


def _organisation(view, context, model: Review, name) -> str:
    return f"{model.organisation.name} ({model.organisation_code})"


def flash_save_warnings(review: Review, data, scope) -> None:
    """Flash what a saved review is warned about: a late CSPR Panel notification, a possible duplicate."""
    for warning in save_warnings(data, clocks=current_app.config["CLOCKS"]) + duplicate_warnings(
            db.session, review=review, scope=scope):
        flash(warning.message, "warning")


class ReviewView(ScopedModelView):
    """Reviews, cut to the user's scope."""

    read_permission = Permission.READ_REVIEWS
    write_permission = Permission.EDIT_REVIEWS
    delete_permission = Permission.DELETE_REVIEWS

    details_template = "admin/reviews/details.html"
    list_template = "admin/reviews/list.html"
    form = ReviewForm
    named_filter_urls = True
    simple_list_pager = False  # the list shows how many reviews match (a scoped COUNT)
    # Rows link to the review's page (edit and delete live there): no per-row action icons or bulk delete,
    # which cost half of the list's rendering time and made deleting many reviews one careless click away.
    column_display_actions = False
    action_disallowed_list = ["delete"]
    column_auto_select_related = False  # loading is explicit in get_query (no N+1, no duplicate joins)
    can_export = True
    export_types = ["csv", "xlsx"]

    column_list = ["id", "identifier", "review_type", "status", "organisation", "date_added",
                   "latest_update", "clocks", "media_interest"]
    column_labels = {**FIELD_LABELS, "identifier": "Identifier", "organisation": "Organisation",
                     "clocks": "Clocks", "id": "No."}
    column_sortable_list = ["id", "review_type", "status", "date_added", "media_interest"]
    # Columns shown under one name and sorted by another (indexes ix_review_latest_update_sort, ix_review_org_sort).
    # Flask-Admin renames a ("name", Review.column) entry to the column's key, so the header never linked.
    SORT_BY = {"latest_update": Review.latest_update_on, "organisation": Review.organisation_code}
    column_default_sort = [("date_added", True), ("id", True)]
    column_formatters = {
        "identifier": _identifier,
        "review_type": _type,
        "status": _status,
        "organisation": _organisation,
        "latest_update": _latest_update,
        "clocks": lambda v, c, m, n: clock_badges(m),
        "date_added": lambda v, c, m, n: uk_date(m.date_added),
        "media_interest": lambda v, c, m, n: yes_no(m.media_interest),
    }
    column_searchable_list = ["steis_number", "lfpse_reference", "local_identifier"]
    column_filters = review_filters()
    create_template = edit_template = FORM_TEMPLATE

    def scope_clause(self, actor):
        return in_scope(actor.scope)

    def get_sortable_columns(self):
        return {**super().get_sortable_columns(), **self.SORT_BY}

    def _order_by(self, query, joins, sort_joins, sort_field, sort_desc):
        """Sort by the chosen column, then by number (same direction): a stable order for paging."""
        query, joins = super()._order_by(query, joins, sort_joins, sort_field, sort_desc)
        if sort_field is not None and sort_field is not Review.id:
            query = query.order_by(Review.id.desc() if sort_desc else Review.id)
        return query, joins

    def search_placeholder(self):
        return "StEIS number, LFPSE reference, local identifier or tracker number"

    def get_query(self):
        return super().get_query().options(selectinload(Review.latest_update))

    def get_count_query(self):
        """Matches counted up to LIST_COUNT_CAP (app/admin/capped_count.py)."""
        return CappedCount(db.session.query(Review.id).filter(self._clause()), current_app.config["LIST_COUNT_CAP"])

    def _apply_search(self, query, count_query, joins, count_joins, search):
        """Identifier search: exact StEIS/LFPSE/number, local identifier by prefix (each an index range)."""
        dialect = db.session.get_bind().dialect.name
        for term in search.split():
            clause = identifier_clause(term, dialect=dialect)
            query = query.filter(clause)
            if count_query is not None:
                count_query = count_query.filter(clause)
        return query, count_query, joins, count_joins

    # -- forms
    def create_form(self, obj=None):
        form = super().create_form(obj)
        set_choices(form, self.actor.scope, on=tracker_today())
        if request.method == "GET":
            form.review_type.data = request.args.get("review_type", "")
        return form

    def render(self, template, **kwargs):
        """The review form page gets its steps and sections (app/admin/review_form.py: form_sections)."""
        if template == FORM_TEMPLATE and "form" in kwargs:
            kwargs.update(self._form_page(kwargs["form"], creating=request.endpoint.endswith("create_view")))
        return super().render(template, **kwargs)

    @staticmethod
    def _form_page(form, *, creating: bool) -> dict:
        chosen = form.review_type.data or ""
        known = chosen in {t.value for t in ReviewType}
        step_one = creating and (request.args.get("step") == "type" or not known)
        asked = request.method == "POST" or "continue" in request.args
        type_error = "Choose the type of review." if step_one and asked and not known else None
        return {"step": "type" if step_one else "fields", "creating": creating, "chosen_type": chosen,
                "type_choices": type_choices(tracker_today()), "type_error": type_error,
                "type_label": type_label(chosen, tracker_today()) if known else "",
                "sections": [] if step_one else form_sections(form, chosen, creating=creating)}

    def edit_form(self, obj=None):
        form = super().edit_form(obj)
        set_choices(form, self.actor.scope, on=obj.date_added if obj is not None else tracker_today())
        if request.method == "GET" and obj is not None:
            prefill_themes(form, obj.theme_codes)
        return form

    def create_model(self, form):
        try:
            review = create_review(db.session, data=to_input(form), actor=self.actor, now=utcnow())
            db.session.commit()
            flash_save_warnings(review, to_input(form), self.actor.scope)
        except ReviewRejected as exc:
            db.session.rollback()
            for message in attach_violations(form, exc.violations):
                flash(message, "error")
            flash("The review was not saved: correct the fields marked below.", "error")
            return False
        except NotAllowed as exc:
            db.session.rollback()
            abort(403, str(exc))
        return review

    def update_model(self, form, model):
        # The posted value itself: WTForms would fill a missing hidden field from the record (its current version).
        version = review_actions.submitted_version(request.form.get("version"))
        if version is None:  # a save that cannot say what it was based on must not overwrite anything
            flash(review_actions.NO_VERSION, "error")
            return False
        try:
            update_review(db.session, review=model, expected_version=version,
                          data=to_input(form), actor=self.actor, now=utcnow())
            db.session.commit()
            flash_save_warnings(model, to_input(form), self.actor.scope)
        except ReviewRejected as exc:
            db.session.rollback()
            for message in attach_violations(form, exc.violations):
                flash(message, "error")
            flash("Your changes were not saved: correct the fields marked below.", "error")
            return False
        except EditConflict as exc:
            db.session.rollback()
            review_actions.flash_conflict(exc)
            return False
        except StaleDataError:
            review_actions.flash_conflict(review_actions.lost_race(model))
            return False
        except NotAllowed as exc:
            db.session.rollback()
            abort(403, str(exc))
        return True

    def delete_model(self, model):
        try:
            delete_review(db.session, review=model, expected_version=None, actor=self.actor, now=utcnow())
            db.session.commit()
        except (ReviewRejected, NotAllowed) as exc:
            db.session.rollback()
            flash(str(exc), "error")
            return False
        return True

    def get_save_return_url(self, model, is_created=False):
        return self.get_url(".details_view", id=model.id)

    # The permission each action form needs: a role without it gets 403 before any input is read (the services
    # check again). Without this, a refused role saw "fill in the form" errors instead of a refusal.
    ACTION_PERMISSIONS = {"add_update_view": Permission.POST_UPDATES, "decide_view": Permission.EDIT_REVIEWS,
                          "link_view": Permission.EDIT_REVIEWS, "unlink_view": Permission.EDIT_REVIEWS,
                          "close_view": Permission.EDIT_REVIEWS, "reopen_view": Permission.REOPEN_REVIEWS,
                          "snooze_view": Permission.SNOOZE_REMINDERS,
                          "add_recommendation_view": Permission.EDIT_REVIEWS,
                          "update_recommendation_view": Permission.EDIT_REVIEWS}

    def _handle_view(self, name, **kwargs):
        response = super()._handle_view(name, **kwargs)
        if response is None and name in self.ACTION_PERMISSIONS and not self._may(self.ACTION_PERMISSIONS[name]):
            abort(403)
        return response

    # -- details page and actions (clocks, timeline, history, who is notified)
    @expose("/details/")
    def details_view(self):
        review = self.get_one(request.args.get("id"))
        return self.render(self.details_template, **review_actions.details_context(self, review))

    @expose("/update/", methods=("POST",))
    def add_update_view(self):
        return review_actions.add_update(self, self.get_one(request.form.get("id")))

    @expose("/decide/", methods=("POST",))
    def decide_view(self):
        return review_actions.decide(self, self.get_one(request.form.get("id")))

    @expose("/link/", methods=("POST",))
    def link_view(self):
        return review_actions.link(self, self.get_one(request.form.get("id")))

    @expose("/unlink/", methods=("POST",))
    def unlink_view(self):
        return review_actions.unlink(self, self.get_one(request.form.get("id")))

    @expose("/close/", methods=("POST",))
    def close_view(self):
        return review_actions.close(self, self.get_one(request.form.get("id")))

    @expose("/reopen/", methods=("POST",))
    def reopen_view(self):
        return review_actions.reopen(self, self.get_one(request.form.get("id")))

    @expose("/snooze/", methods=("POST",))
    def snooze_view(self):
        return review_actions.snooze(self, self.get_one(request.form.get("id")))

    @expose("/recommendation/", methods=("POST",))
    def add_recommendation_view(self):
        return review_actions.add_recommendation(self, self.get_one(request.form.get("id")))

    @expose("/recommendation/update/", methods=("POST",))
    def update_recommendation_view(self):
        return review_actions.update_recommendation(self, self.get_one(request.form.get("id")))

    @expose("/export/<export_type>/")
    def export(self, export_type):
        return review_actions.export(self, export_type)

    def details_url(self, review: Review) -> str:
        """The details page of a review."""
        return self.get_url(".details_view", id=review.id)

    def redirect_to(self, review: Review):
        """Back to a review's page."""
        return redirect(self.details_url(review))
