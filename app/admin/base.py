"""The one scoped base for admin screens: access by permission, and every read cut to the user's scope.

Flask-Admin reads through get_query (list, search, filters, export, bulk actions), get_count_query
(the list count) and get_one (details, edit, delete, inline edit). All three are overridden here, so a
record id typed into a URL cannot open another organisation's record. Write endpoints answer 403 to a
role without the write permission, instead of Flask-Admin's silent redirect.
"""

from __future__ import annotations

from collections import OrderedDict

from flask import abort, redirect, request, url_for
from flask_admin import AdminIndexView, BaseView
from flask_admin.contrib.sqla import ModelView
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import true

from app.admin.list_view import NhsListBehaviour
from app.people.actor import Actor
from app.people.roles import Permission
from app.people.web import current_actor

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
        row = self.get_query().filter(pk == value).one_or_none()
        if row is None:
            abort(404)
        return row

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
