"""Session timeouts: signed out after SESSION_IDLE_TIMEOUT without a request and SESSION_ABSOLUTE_TIMEOUT after
signing in, whatever happens in between.

The sign-in time and the last-seen time live in the signed session cookie (set at sign-in, checked before
every request). A session that is signed in but carries no sign-in time (for example one restored from a
copied cookie of another app version) is treated as expired.
"""

from __future__ import annotations

import time
from datetime import timedelta

from flask import Flask, current_app, flash, redirect, request, session, url_for
from flask_login import current_user
from flask_security import logout_user, user_authenticated

from app.security.headers import STATIC_ENDPOINTS

SIGNED_IN_AT = "tracker_signed_in_at"
SEEN_AT = "tracker_seen_at"
SEEN_RESOLUTION = 30  # seconds: the last-seen time is rewritten at most this often (fewer new cookies)

MESSAGES = {
    "idle": "You were signed out after {minutes} minutes without activity. Please sign in again.",
    "absolute": "You were signed out because you signed in more than {hours} hours ago. Please sign in again.",
    "unknown": "Your session could not be verified. Please sign in again.",
}


def session_expiry(*, signed_in_at: float | None, seen_at: float | None, now: float, idle: timedelta,
                   absolute: timedelta) -> str | None:
    """Why a session has expired at `now` ("idle", "absolute", "unknown"), or None while it is valid."""
    if signed_in_at is None or seen_at is None:
        return "unknown"
    if now - signed_in_at >= absolute.total_seconds():
        return "absolute"
    if now - seen_at >= idle.total_seconds():
        return "idle"
    return None


def _start_session(sender, user, authn_via=None, **extra) -> None:
    now = time.time()
    if "change" not in (authn_via or []) or SIGNED_IN_AT not in session:
        # A password change signs the user in again but does not extend the absolute limit.
        session[SIGNED_IN_AT] = now
    session[SEEN_AT] = now


def _enforce_timeouts() -> None:
    if request.endpoint in STATIC_ENDPOINTS or not current_user.is_authenticated:
        return
    config = current_app.config
    now = time.time()
    reason = session_expiry(signed_in_at=session.get(SIGNED_IN_AT), seen_at=session.get(SEEN_AT), now=now,
                            idle=config["SESSION_IDLE_TIMEOUT"], absolute=config["SESSION_ABSOLUTE_TIMEOUT"])
    if reason is None:
        if now - session[SEEN_AT] >= SEEN_RESOLUTION:
            session[SEEN_AT] = now
        return
    logout_user()
    session.pop(SIGNED_IN_AT, None)
    session.pop(SEEN_AT, None)
    flash(MESSAGES[reason].format(minutes=int(config["SESSION_IDLE_TIMEOUT"].total_seconds() // 60),
                                  hours=int(config["SESSION_ABSOLUTE_TIMEOUT"].total_seconds() // 3600)), "info")
    # The request goes on as a signed-out one: a protected page sends the browser to the sign-in form.


def _no_sign_out_on_get():
    """Flask-Security-Too signs a user out when the two-factor code page is opened outside a setup: a GET must
    not change a session (a link or image on another site could sign people out), so send them to the setup."""
    if (request.method == "GET" and request.endpoint == "security.two_factor_token_validation"
            and current_user.is_authenticated and session.get("tf_state") != "validating_profile"):
        return redirect(url_for("security.two_factor_setup"))
    return None


def init_session_timeouts(app: Flask) -> None:
    """Start the clocks at sign-in and check them before every request."""
    user_authenticated.connect(_start_session, app)
    app.before_request(_enforce_timeouts)
    app.before_request(_no_sign_out_on_get)
