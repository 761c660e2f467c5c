"""Flask-Security-Too wiring: the user datastore, and sign-in events written to the audit trail."""

from __future__ import annotations

from flask import Flask, request
from flask_login import current_user
from flask_security import SQLAlchemyUserDatastore, user_authenticated

from app.audit.service import record
from app.extensions import db, security
from app.people.models import Role, User, WebAuthn
from app.types import utcnow

datastore = SQLAlchemyUserDatastore(db, User, Role, WebAuthn)


def _audit_sign_in(sender, user, authn_via=None, **extra) -> None:
    record(db.session, action="user.sign_in", actor=None, now=utcnow(), entity="user", entity_id=user.id,
           detail=f"signed in ({', '.join(authn_via or [])})", remote_addr=request.remote_addr,
           user_id=user.id, user_email=user.email)
    db.session.commit()


def _audit_failed_sign_in(response):
    if request.endpoint == "security.login" and request.method == "POST" and not current_user.is_authenticated:
        attempted = (request.form.get("email") or "").strip().lower()[:255]
        if response.status_code < 500:
            record(db.session, action="user.sign_in_failed", actor=None, now=utcnow(), entity="user",
                   entity_id=None, detail=f"failed sign-in for {attempted or '(blank)'}",
                   remote_addr=request.remote_addr)
            db.session.commit()
    return response


def init_security(app: Flask) -> None:
    """Bind Flask-Security-Too and the audit hooks."""
    security.init_app(app, datastore)
    user_authenticated.connect(_audit_sign_in, app)
    app.after_request(_audit_failed_sign_in)
