"""Users and roles (Flask-Security-Too fsqla_v3 models, chosen on purpose and frozen) with a scope node."""

from __future__ import annotations

from datetime import datetime

from flask_security.models import fsqla_v3 as fsqla
from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.people.signin_rules import account_locked, failed_authn, two_factor_required
from app.types import UTCDateTime, utcnow

fsqla.FsModels.set_db_info(db, user_table_name="app_user", role_table_name="role", webauthn_table_name="webauthn")


class Role(db.Model, fsqla.FsRoleMixin):
    """A role: national_admin, regional_lead, designated_professional or viewer."""

    __tablename__ = "role"

    def __str__(self) -> str:
        return self.name


class User(db.Model, fsqla.FsUserMixin):
    """A person who signs in. Each has exactly one role and one scope node of the organisation tree."""

    __tablename__ = "app_user"

    full_name: Mapped[str | None] = mapped_column(String(120))
    # "ENG" for England, or a region, ICB or sub-ICB location ODS code.
    scope_code: Mapped[str] = mapped_column(String(5), default="ENG", index=True)
    digests_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    # The last accepted authenticator-app time step: a code of this step or an older one is refused (replay).
    tf_totp_last_step: Mapped[int | None] = mapped_column(Integer)
    # Set when the account is locked after too many failed sign-in attempts (app/people/lockout.py).
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def role_name(self) -> str | None:
        """The user's single role name."""
        return self.roles[0].name if self.roles else None

    # -- Flask-Security-Too hooks: the rules live in app/people/signin_rules.py
    def check_tf_required(self, tf_setup_methods, tf_fresh):
        """Two-factor is required for some roles (or everyone, by configuration) and whoever set it up."""
        return (two_factor_required(self) or bool(tf_setup_methods)), tf_setup_methods

    def check_tf_required_setup(self) -> bool:
        """Whether this user may not switch two-factor off."""
        return two_factor_required(self)

    def track_failed_authn(self, auth_type: str, tfa: bool = False) -> None:
        """Count a failed password, code or key towards the account lockout (app/people/security.py listens)."""
        super().track_failed_authn(auth_type, tfa)
        failed_authn.send(self, auth_type=auth_type, second_factor=tfa)

    def is_locked(self, form_error: list[str] | None = None) -> bool:
        """Whether the account is locked now (sign-in and password reset are refused)."""
        if account_locked(self, now=utcnow()):
            if form_error is not None:
                form_error.append("This account is locked after too many failed sign-in attempts.")
            return True
        return False

    def __str__(self) -> str:
        return self.email


class WebAuthn(db.Model, fsqla.FsWebAuthnMixin):
    """A registered security key or passkey."""

    __tablename__ = "webauthn"


class SignInFailure(db.Model):
    """One failed password, code, key or recovery code for an account: the lockout counts recent rows."""

    __tablename__ = "sign_in_failure"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    kind: Mapped[str] = mapped_column(String(20))
    remote_addr: Mapped[str | None] = mapped_column(String(64))
