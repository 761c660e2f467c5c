"""User management (national admins): invite, change role and scope, disable. Rules are in people.service."""

from __future__ import annotations

from flask import abort, flash, redirect, request
from flask_admin import expose
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional

from app.admin.base import ScopedModelView
from app.admin.formatting import role_label, scope_label, uk_datetime
from app.extensions import db
from app.people.actor import NotAllowed
from app.people.lockout import unlock_user
from app.people.mail import send_invitation
from app.people.models import User
from app.people.roles import ROLES, Permission
from app.people.service import UserRejected, invite_user, scope_choices, update_user
from app.people.signin_rules import account_locked
from app.people.twofactor import reset_two_factor, two_factor_summary
from app.types import utcnow


def _locked_until(view, context, model, name):
    if model.locked_until is None or not account_locked(model, now=utcnow()):
        return "No"
    return Markup('<strong class="nhsuk-tag nhsuk-tag--red">Locked</strong> until {}').format(
        uk_datetime(model.locked_until))


LEAST_PRIVILEGE_FIRST = [(k, ROLES[k]["label"]) for k in ("viewer", "designated_professional", "regional_lead",
                                                             "national_admin")]


def _roles(view, context, model, name) -> str:
    return role_label(model.role_name)


class UserForm(FlaskForm):
    """The fields a national admin sets on a user."""

    email = StringField("Email", validators=[DataRequired(), Email(check_deliverability=False), Length(max=255)])
    full_name = StringField("Name", validators=[Optional(), Length(max=120)])
    # No default: a half-filled form must not make anyone an admin. Least privilege first in the list.
    role = SelectField("Role", choices=[("", "Choose a role"), *LEAST_PRIVILEGE_FIRST], default="",
                       validators=[DataRequired(message="Choose the user's role.")],
                       description="Viewer: reads, reports and exports. Designated professional: also creates and "
                                   "edits reviews. Regional lead: reads a region. National admin: everything.")
    scope_code = SelectField("Scope", choices=[], default="",
                             validators=[DataRequired(message="Choose the part of the organisation tree the user "
                                                              "sees.")],
                             description="The user sees this part of the organisation tree and everything under it.")
    active = BooleanField("Active (can sign in)", default=True)
    digests_enabled = BooleanField("Receives digests", default=True)


class UserView(ScopedModelView):
    """Users and their role and scope."""

    read_permission = Permission.MANAGE_USERS
    write_permission = Permission.MANAGE_USERS
    delete_permission = None  # users are disabled, never deleted (the audit trail names them)
    form = UserForm
    column_list = ["email", "full_name", "roles", "scope_code", "active", "locked_until", "last_login_at"]
    column_labels = {"email": "Email", "full_name": "Name", "roles": "Role", "scope_code": "Scope",
                     "active": "Active", "last_login_at": "Last sign-in", "digests_enabled": "Receives digests",
                     "locked_until": "Locked", "two_factor": "Two-factor sign-in"}
    column_searchable_list = ["email", "full_name"]
    column_details_list = ["email", "full_name", "roles", "scope_code", "active", "digests_enabled", "two_factor",
                           "locked_until", "last_login_at", "current_login_ip", "login_count", "create_datetime"]
    column_formatters = {"locked_until": _locked_until, "roles": _roles,
                         "scope_code": lambda view, context, model, name: scope_label(model.scope_code),
                         "two_factor": lambda view, context, model, name: two_factor_summary(model)}
    details_template = "admin/users/details.html"
    can_export = False

    def __init__(self, session, **kwargs):
        super().__init__(User, session, **kwargs)

    def _with_choices(self, form):
        form.scope_code.choices = [("", "Choose a scope"), *scope_choices(db.session)]
        return form

    def create_form(self, obj=None):
        return self._with_choices(super().create_form(obj))

    def edit_form(self, obj=None):
        form = self._with_choices(super().edit_form(obj))
        form.email.render_kw = {"readonly": True}
        if obj is not None and request.method == "GET":
            form.role.data = obj.role_name
        return form

    def create_model(self, form):
        try:
            user = invite_user(db.session, email=form.email.data, role=form.role.data,
                               scope_code=form.scope_code.data, full_name=form.full_name.data,
                               actor=self.actor, now=utcnow(), active=bool(form.active.data),
                               digests_enabled=bool(form.digests_enabled.data))
            send_invitation(user)  # queued in the outbox with the user: both are saved, or neither
            db.session.commit()
        except UserRejected as exc:
            db.session.rollback()
            flash(str(exc), "error")
            return False
        flash(f"{user.email} was invited: they have been emailed a link to set their password.", "success")
        return user

    def update_model(self, form, model):
        try:
            update_user(db.session, user=model, role=form.role.data, scope_code=form.scope_code.data,
                        active=bool(form.active.data), full_name=form.full_name.data,
                        digests_enabled=bool(form.digests_enabled.data), actor=self.actor, now=utcnow())
            db.session.commit()
        except UserRejected as exc:
            db.session.rollback()
            flash(str(exc), "error")
            return False
        return True

    # -- sign-in security: unlock, reset two-factor (POST only, CSRF-checked, audited in the services)
    def _target(self) -> User:
        return self.get_one(request.form.get("id", ""))

    def _back(self, user: User):
        return redirect(self.get_url(".details_view", id=user.id))

    @expose("/unlock/", methods=("POST",))
    def unlock_view(self):
        """Lift a lockout (national admins)."""
        user = self._target()
        if unlock_user(db.session, user=user, actor=self.actor, now=utcnow()):
            flash(f"{user.email} is unlocked.", "success")
        else:
            flash(f"{user.email} was not locked.", "info")
        db.session.commit()
        return self._back(user)

    @expose("/reset-two-factor/", methods=("POST",))
    def reset_two_factor_view(self):
        """Remove a user's second factors (lost device) and sign them out everywhere (national admins)."""
        user = self._target()
        try:
            reset = reset_two_factor(db.session, user=user, actor=self.actor, now=utcnow())
        except NotAllowed:
            db.session.rollback()
            abort(403)
        if reset:
            flash(f"Two-factor removed for {user.email}: they set it up again at their next sign-in.", "success")
        else:
            flash(f"{user.email} had no second factor.", "info")
        db.session.commit()
        return self._back(user)
