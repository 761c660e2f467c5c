"""Unbound Flask extensions, bound to the app in create_app.

This module imports no app module: Flask-Security-Too is built in app/people/security.py with the classes
the factory hands it, so importing a model (and a rule module that reads one) never pulls in the sign-in stack.
"""

from flask_mailman import Mail
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData

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
mail = Mail()
csrf = CSRFProtect()
