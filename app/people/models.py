"""Users and roles (Flask-Security-Too fsqla_v3 models, chosen on purpose and frozen) with a scope node."""

from __future__ import annotations

from flask_security.models import fsqla_v3 as fsqla
from sqlalchemy import Boolean, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db

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

    @property
    def role_name(self) -> str | None:
        """The user's single role name."""
        return self.roles[0].name if self.roles else None

    def __str__(self) -> str:
        return self.email


class WebAuthn(db.Model, fsqla.FsWebAuthnMixin):
    """A registered security key or passkey."""

    __tablename__ = "webauthn"
