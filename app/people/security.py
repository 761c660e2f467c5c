"""Flask-Security-Too wiring: the user datastore, and security events written to the audit trail.

Audited here: sign-in success and failure, two-factor enrolment and removal, security keys, password
change and reset, email change, and failed attempts counted towards the lockout (app/people/lockout.py).

The lock holds at every step: Flask-Security-Too checks it only at the password (and passkey) step, so
`_lock_holds_at_the_second_step` refuses every second-factor page (code, recovery code, security key, method
choice, help, first enrolment) while the pending account is locked, and ends the pending sign-in.
Recovery-code use is audited in app/people/recovery_codes.py; role, scope and enabled changes in
app/people/service.py; unlocks and two-factor resets by an admin in their services.
"""

from __future__ import annotations

from flask import Flask, current_app, flash, g, redirect, request, session
from flask_login import current_user, user_logged_out
from flask_security import (
    Security,
    SQLAlchemyUserDatastore,
    password_changed,
    password_reset,
    tf_disabled,
    tf_profile_changed,
    user_authenticated,
    wan_deleted,
    wan_registered,
)
from flask_security.signals import change_email_confirmed
from flask_security.tf_plugin import tf_clean_session
from flask_security.utils import url_for_security

from app.audit.service import record
from app.extensions import db
from app.people.lockout import LockoutPolicy, register_failure
from app.people.models import Role, User, WebAuthn
from app.people.signin_rules import account_locked, failed_authn
from app.types import utcnow

datastore = SQLAlchemyUserDatastore(db, User, Role, WebAuthn)

# Every page of the second sign-in step: while the account waiting for it is locked, none of them may run.
SECOND_STEP_ENDPOINTS = frozenset({
    "security.two_factor_token_validation", "security.two_factor_rescue", "security.two_factor_setup",
    "security.tf_select", "security.mf_recovery", "security.wan_signin", "security.wan_signin_response",
})
SIGN_IN_AGAIN = "Your sign-in could not be completed. Please sign in again."


def _audit(user, action: str, detail: str, *, commit: bool = False) -> None:
    record(db.session, action=action, actor=None, now=utcnow(), entity="user", entity_id=user.id, detail=detail,
           remote_addr=request.remote_addr if request else None, user_id=user.id, user_email=user.email)
    if commit:
        db.session.commit()


def _audit_sign_in(sender, user, authn_via=None, **extra) -> None:
    _audit(user, "user.sign_in", f"signed in ({', '.join(authn_via or [])})", commit=True)


def record_failed_authn(user: User, *, auth_type: str, second_factor: bool) -> None:
    """A wrong password, code, key or recovery code for a known account: audit it and count it for lockout."""
    now = utcnow()
    step = " (second factor)" if second_factor else ""
    _audit(user, "user.sign_in_failed", f"failed sign-in: wrong {auth_type}{step}")
    register_failure(db.session, user=user, kind=auth_type, now=now,
                     policy=LockoutPolicy.from_config(current_app.config), remote_addr=request.remote_addr)
    db.session.commit()
    g.authn_failure_recorded = True


def _audit_failed_sign_in(response):
    """A sign-in POST that did not sign anyone in and was not counted against an account (unknown or locked)."""
    if (request.endpoint == "security.login" and request.method == "POST" and not current_user.is_authenticated
            and "tf_user_id" not in session and not g.get("authn_failure_recorded") and response.status_code < 400):
        attempted = (request.form.get("email") or "").strip().lower()[:255]
        record(db.session, action="user.sign_in_failed", actor=None, now=utcnow(), entity="user",
               entity_id=None, detail=f"failed sign-in for {attempted or '(blank)'}",
               remote_addr=request.remote_addr)
        db.session.commit()
    return response


def _lock_holds_at_the_second_step():
    """A locked account cannot complete its sign-in: the pending second step is ended (same answer as a bad one)."""
    if request.endpoint not in SECOND_STEP_ENDPOINTS or "tf_user_id" not in session:
        return None
    user = datastore.find_user(fs_uniquifier=session["tf_user_id"])
    if user is not None and not account_locked(user, now=utcnow()):
        return None
    tf_clean_session()
    if user is not None:
        _audit(user, "user.sign_in_failed", "failed sign-in: locked account at the second factor", commit=True)
    flash(SIGN_IN_AGAIN, "error")
    return redirect(url_for_security("login"))


def _audit_tf_changed(sender, user, method=None, **extra) -> None:
    _audit(user, "user.two_factor_enrolled", f"two-factor method set: {method}")


def _audit_tf_disabled(sender, user, **extra) -> None:
    _audit(user, "user.two_factor_removed", "two-factor switched off by the user")


def _audit_key_registered(sender, user, name=None, **extra) -> None:
    _audit(user, "user.security_key_added", f"security key registered: {name or '(unnamed)'}")


def _audit_key_deleted(sender, user, name=None, **extra) -> None:
    _audit(user, "user.security_key_removed", f"security key removed: {name or '(unnamed)'}")


def _audit_password_changed(sender, user, **extra) -> None:
    _audit(user, "user.password_changed", "password changed; every other session ended")


def _audit_password_reset(sender, user, **extra) -> None:
    _audit(user, "user.password_reset", "password reset by email link; every other session ended")


def _audit_email_changed(sender, user, old_email=None, **extra) -> None:
    _audit(user, "user.email_changed", f"email changed from {old_email} to {user.email}", commit=True)


def _end_sessions_on_sign_out(sender, user, **extra) -> None:
    """Signing out ends the user's sessions everywhere: a copied session cookie stops working too."""
    if request and request.endpoint == "security.logout" and user is not None and user.is_authenticated:
        datastore.set_uniquifier(user)
        _audit(user, "user.sign_out", "signed out", commit=True)


def init_security(app: Flask, **classes) -> Security:
    """Bind Flask-Security-Too to the app, with the forms and utility classes the factory hands in, and the audit
    hooks. One Security per app (app.extensions["security"]); the datastore is this module's."""
    security = Security(app, datastore, **classes)
    user_authenticated.connect(_audit_sign_in, app)
    tf_profile_changed.connect(_audit_tf_changed, app)
    tf_disabled.connect(_audit_tf_disabled, app)
    wan_registered.connect(_audit_key_registered, app)
    wan_deleted.connect(_audit_key_deleted, app)
    password_changed.connect(_audit_password_changed, app)
    password_reset.connect(_audit_password_reset, app)
    change_email_confirmed.connect(_audit_email_changed, app)
    user_logged_out.connect(_end_sessions_on_sign_out, app)
    failed_authn.connect(record_failed_authn)
    app.after_request(_audit_failed_sign_in)
    app.before_request(_lock_holds_at_the_second_step)
    return security
