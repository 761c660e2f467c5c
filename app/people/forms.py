"""Flask-Security-Too forms adapted to the tracker's rules."""

from __future__ import annotations

from flask_security import LoginForm, VerifyForm


class TrackerLoginForm(LoginForm):
    """The sign-in form without "remember me": a session never outlives its idle and absolute timeouts."""

    remember = None


class TrackerVerifyForm(VerifyForm):
    """Re-authentication (before two-factor or email changes) is refused while the account is locked."""

    def validate(self, **kwargs) -> bool:
        """Refuse a locked account before its password is even checked; otherwise Flask-Security-Too's checks."""
        self.password.errors = list(self.password.errors)
        if self.user.is_locked(self.password.errors):
            return False
        return super().validate(**kwargs)
