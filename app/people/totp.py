"""Authenticator-app codes accepted only once: the last accepted time step is kept per user (app_user).

Flask-Security-Too checks a code against the user's secret but keeps no memory of codes already used, so
a code seen over a shoulder or in a proxy log could be replayed within its validity window. This factory
refuses a code whose time step is not newer than the last accepted one, and claims the step with one
conditional UPDATE, so two requests racing with the same code cannot both win.
"""

from __future__ import annotations

from flask_security import Totp
from passlib.totp import TokenError
from sqlalchemy import or_, update
from sqlalchemy.orm.attributes import set_committed_value

from app.extensions import db
from app.people.models import User


class ReplayProtectedTotp(Totp):
    """Flask-Security-Too's TOTP factory with replay protection (handed to Flask-Security by app/factory.py)."""

    def verify_totp(self, token: str, totp_secret: str, user, window: int = 0) -> bool:
        """True when the code matches a time step newer than the last one this user has used."""
        try:
            match = self._totp.verify(token, totp_secret, window=window, last_counter=self.get_last_counter(user))
        except TokenError:  # wrong, malformed, or already used (UsedTokenError)
            return False
        return claim_time_step(user, match.counter)

    def get_last_counter(self, user) -> int | None:
        """The last accepted time step for the user."""
        return getattr(user, "tf_totp_last_step", None)


def claim_time_step(user, step: int) -> bool:
    """Record `step` as used unless it (or a later one) already is; commits. False when already used."""
    result = db.session.execute(
        update(User)
        .where(User.id == user.id, or_(User.tf_totp_last_step.is_(None), User.tf_totp_last_step < step))
        .values(tf_totp_last_step=step)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    if result.rowcount != 1:
        return False
    target = user._get_current_object() if hasattr(user, "_get_current_object") else user
    set_committed_value(target, "tf_totp_last_step", step)
    return True
