"""Flask-Security-Too forms adapted to the tracker's rules."""

from __future__ import annotations

from flask_security import LoginForm


class TrackerLoginForm(LoginForm):
    """The sign-in form without "remember me": a session never outlives its idle and absolute timeouts."""

    remember = None
