"""The signed-in user as an Actor for services, computed once per request."""

from __future__ import annotations

from flask import g, request
from flask_login import current_user

from app.extensions import db
from app.orgs.scope import UnknownScope, scope_for_code
from app.people.actor import Actor


def current_actor() -> Actor | None:
    """The signed-in, active user as an Actor (None when signed out, disabled or with a broken scope)."""
    if "actor" in g:
        return g.actor
    actor = None
    user = current_user
    if user is not None and user.is_authenticated and user.active:
        try:
            scope = scope_for_code(db.session, user.scope_code)
        except UnknownScope:
            scope = None
        if scope is not None:
            actor = Actor(user_id=user.id, email=user.email, role=user.role_name, scope=scope,
                          remote_addr=request.remote_addr)
    g.actor = actor
    return actor
