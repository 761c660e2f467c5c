"""The sign-in rules the User model's Flask-Security-Too hooks ask: who must use a second factor, whether an account
is locked, and the signal a failed attempt sends (app/people/security.py counts it towards the lockout).

This module imports no model, so app/people/models.py can call it without an import circle; the services that
change two-factor and lockout state are app/people/twofactor.py and app/people/lockout.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from blinker import Namespace
from flask import current_app

failed_authn = Namespace().signal("tracker-failed-authn")
"""Sent with the user as sender, auth_type= and second_factor= for every failed password, code, key or recovery
code (Flask-Security-Too calls User.track_failed_authn)."""


def two_factor_required_for(role_name: str | None, *, required_roles: Iterable[str], required_for_all: bool) -> bool:
    """Whether a user of this role must sign in with a second factor."""
    return required_for_all or (role_name in set(required_roles))


def two_factor_required(user: Any) -> bool:
    """Whether this user must sign in with a second factor, under the running app's configuration."""
    config = current_app.config
    return two_factor_required_for(user.role_name, required_roles=config["TWO_FACTOR_REQUIRED_ROLES"],
                                   required_for_all=config["TWO_FACTOR_REQUIRED_FOR_ALL"])


def account_locked(user: Any, *, now: datetime) -> bool:
    """Whether the account is locked at `now`."""
    return user.locked_until is not None and user.locked_until > now
