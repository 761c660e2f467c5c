"""The one scoped base for admin screens: access by permission, and every read cut to the user's scope.

Flask-Admin reads through get_query (list, search, filters, export, bulk actions), get_count_query
(the list count) and get_one (details, edit, delete, inline edit). All three are overridden here, so a
record id typed into a URL cannot open another organisation's record. Write endpoints answer 403 to a
role without the write permission, instead of Flask-Admin's silent redirect. Ids and page numbers the database
could not take (a 20-digit id) answer 404, and a NUL byte in a form field is an error on that field. A save that
finds the database busy longer than it waits shows the form again with the "busy, try again" message.
"""

from __future__ import annotations

from collections import OrderedDict
from datetime import date

from flask import abort, flash, redirect, request, url_for
from flask_admin import AdminIndexView, BaseView
from flask_admin.contrib.sqla import ModelView
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import BigInteger, Integer, true

from app.admin.list_view import NhsListBehaviour
from app.database import BUSY_MESSAGE, is_busy
from app.people.actor import Actor
from app.people.roles import Permission
from app.people.web import current_actor
from app.text import NUL_MESSAGE, has_nul
from app.timezone import london_today
from app.types import utcnow

INTEGER_LIMITS = {BigInteger: 2**63, Integer: 2**31}  # ids beyond these cannot exist (and overflow the driver)
MAX_LIST_OFFSET = 2**31 - 1


def tracker_today() -> date:
    """Today in England: the day every screen's clocks, filters and periods are judged on."""
    return london_today(utcnow())


WRITE_VIEWS = {"create_view": "create", "edit_view": "edit", "delete_view": "delete", "action_view": "action",
               "ajax_update": "edit"}


class AccessMixin:
    """Access to a view needs a signed-in, active user whose role has `read_permission`."""

    read_permission: Permission | None = None

    @property
    def actor(self) -> Actor | None:
        """The signed-in user as an Actor."""
        return current_actor()

    def is_accessible(self) -> bool:
        actor = current_actor()
        return actor is not None and (self.read_permission is None or actor.can(self.read_permission))

    def inaccessible_callback(self, name, **kwargs):
        if not current_user.is_authenticated:
            return redirect(url_for("security.login", next=request.full_path))
        abort(403)


class TrackerBaseView(AccessMixin, BaseView):
    """A custom (non-model) admin page with the access rule."""


class TrackerIndexView(AccessMixin, AdminIndexView):
    """The admin home page: signed-in users only (Flask-Admin's is public by default)."""


class ScopedModelView(AccessMixin, NhsListBehaviour, ModelView):
    """A model view cut to the user's scope; subclasses say how (scope_clause) and who may write."""

    form_base_class = FlaskForm
    write_permission: Permission | None = None
    delete_permission: Permission | None = None
    can_view_details = True
    can_set_page_size = False
    simple_list_pager = True
    page_size = 50

    def scope_clause(self, actor: Actor):
        """The SQL condition limiting this model to the actor's scope (default: unrestricted)."""
        return true()

    def _clause(self):
        actor = current_actor()
        if actor is None:
            abort(403)
        return self.scope_clause(actor)

    # -- reads: all three entry points are scoped
    def get_query(self):
        return super().get_query().filter(self._clause())

    def get_count_query(self):
        return super().get_count_query().filter(self._clause())

    def get_one(self, id):
        pk = self.model.__mapper__.primary_key[0]
        try:
            value = pk.type.python_type(id)
        except (TypeError, ValueError):
            abort(404)
        limit = next((n for kind, n in INTEGER_LIMITS.items() if isinstance(pk.type, kind)), None)
        if limit is not None and not -limit <= value < limit:
            abort(404)
        row = self.get_query().filter(pk == value).one_or_none()
        if row is None:
            abort(404)
        return row

    def _get_list_extra_args(self):
        args = super()._get_list_extra_args()
        if args.page is not None and not 0 <= args.page * (args.page_size or self.page_size) <= MAX_LIST_OFFSET:
            abort(404)
        if args.sort is not None and self._get_column_by_idx(args.sort) is None:
            args.sort = None  # a sort column the list does not have: its default order
        return args

    def _get_list_filter_args(self):
        """Flask-Admin's filters from the query string, less a number the column could never hold (flashed)."""
        filters = super()._get_list_filter_args()
        kept = []
        for idx, name, value in filters or []:
            flt = self._filters[idx]
            cleaned = flt.clean(value)
            limit = next((n for kind, n in INTEGER_LIMITS.items() if isinstance(getattr(flt.column, "type", None),
                                                                                kind)), 2**31)
            if any(isinstance(n, int) and not -limit <= n < limit for n in (
                    cleaned if isinstance(cleaned, list) else [cleaned])):
                flash(self.get_invalid_value_msg(value, flt), "error")
                continue
            kept.append((idx, name, value))
        return kept if filters is not None else None

    def handle_view_exception(self, exc: Exception) -> bool:
        """A save that found the database busy (app/database.py) says so on the form it came from, in plain words."""
        if is_busy(exc):
            flash(BUSY_MESSAGE, "error")
            return True
        return super().handle_view_exception(exc)

    def validate_form(self, form) -> bool:
        """Flask-Admin's validation, and no text field may hold a NUL byte (PostgreSQL cannot store one)."""
        valid = super().validate_form(form)
        if request.method != "POST":
            return valid
        for field in form:
            if has_nul(field.data):
                field.errors = [*list(field.errors or []), f"{field.label.text} {NUL_MESSAGE}"]
                valid = False
        return valid

    # -- writes: by permission, refused with 403
    def _may(self, permission: Permission | None) -> bool:
        actor = current_actor()
        return actor is not None and permission is not None and actor.can(permission)

    @property
    def can_create(self) -> bool:
        return self._may(self.write_permission)

    @property
    def can_edit(self) -> bool:
        return self._may(self.write_permission)

    @property
    def can_delete(self) -> bool:
        return self._may(self.delete_permission)

    def _handle_view(self, name, **kwargs):
        response = super()._handle_view(name, **kwargs)
        if response is not None:
            return response
        kind = WRITE_VIEWS.get(name)
        if kind == "delete" and not self.can_delete:
            abort(403)
        if kind in {"create", "edit"} and not (self.can_create if kind == "create" else self.can_edit):
            abort(403)
        if kind == "action" and not self._any_action_allowed():
            abort(403)
        return None

    def _any_action_allowed(self) -> bool:
        return any(self.is_action_allowed(name) for name, _ in self._actions)

    def is_action_allowed(self, name: str) -> bool:
        if name in self.action_disallowed_list:
            return False
        if name == "delete":
            return self.can_delete
        return super().is_action_allowed(name)

    # -- filter drop-downs are evaluated per request, so their options follow the user's scope
    def _get_filter_groups(self):
        if not self._filters:
            return None
        groups: OrderedDict[str, list] = OrderedDict()
        for i, flt in enumerate(self._filters):
            options = flt.get_options(self) or None
            groups.setdefault(str(flt.name), []).append({
                "index": i,
                "arg": self.get_filter_arg(i, flt),
                "operation": str(flt.operation()),
                "options": [(k, str(v)) for k, v in options] if options else None,
                "type": flt.data_type,
            })
        return groups
