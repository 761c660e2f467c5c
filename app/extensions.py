"""Unbound Flask extensions, bound to the app in create_app."""

from flask_mailman import Mail
from flask_migrate import Migrate
from flask_security import Security
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData

from app.people.forms import TrackerLoginForm
from app.people.passwords import PolicyPasswordUtil
from app.people.recovery_codes import AuditedRecoveryCodes
from app.people.totp import ReplayProtectedTotp

# A naming convention so Alembic batch migrations on SQLite and PostgreSQL produce the same names.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

db = SQLAlchemy(metadata=MetaData(naming_convention=NAMING_CONVENTION))
migrate = Migrate()
# The password policy, TOTP replay protection and audited recovery codes plug into Flask-Security-Too here.
security = Security(
    login_form=TrackerLoginForm,
    password_util_cls=PolicyPasswordUtil,
    totp_cls=ReplayProtectedTotp,
    mf_recovery_codes_util_cls=AuditedRecoveryCodes,
)
mail = Mail()
csrf = CSRFProtect()
