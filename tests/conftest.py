"""Shared fixtures: a fresh app and database per test, built from a migrated template with reference data.

The database is SQLite by default. With TRACKER_TEST_DATABASE=postgres the suite starts a throwaway
PostgreSQL cluster (initdb + pg_ctl on a free port) and gives each test its own database cloned from a
migrated template.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text

os.environ.setdefault("TRACKER_ENV", "test")

from hypothesis import settings as hypothesis_settings

from app import create_app
from app.extensions import db
from tests.support.accounts import ACCOUNTS, create_accounts
from tests.support.reviews import add_test_partnerships

# A shared machine's load must not turn a slow example into a failure: properties are about behaviour.
hypothesis_settings.register_profile("tracker", deadline=None)
hypothesis_settings.load_profile("tracker")

BACKEND = os.environ.get("TRACKER_TEST_DATABASE", "sqlite")

# Real Redis, SMTP sink and Celery worker fixtures, usable by every test module.
pytest_plugins = ["tests.support.services"]


def _migrate_and_load(url: str, instance: Path) -> None:
    from flask_migrate import upgrade

    from app.orgs.reference import load_reference_data

    app = create_app("test", {"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    with app.app_context():
        upgrade(directory=str(Path(__file__).resolve().parent.parent / "migrations"))
        load_reference_data(db.session)
        create_accounts(db.session)
        add_test_partnerships(db.session)
        db.session.commit()
        db.engine.dispose()


@pytest.fixture(scope="session")
def postgres_cluster():
    """A throwaway PostgreSQL cluster for the whole run (only on the PostgreSQL suite)."""
    from devtools.postgres import start_postgres

    cluster = start_postgres()
    yield cluster
    cluster.stop()


@pytest.fixture(scope="session")
def database_template(tmp_path_factory, request):
    """A migrated database with reference data and the test accounts, copied for each test."""
    instance = tmp_path_factory.mktemp("instance")
    if BACKEND == "postgres":
        cluster = request.getfixturevalue("postgres_cluster")
        url = cluster.create_database("template_tracker")
        _migrate_and_load(url, instance)
        return {"backend": "postgres", "cluster": cluster, "template": "template_tracker"}
    path = instance / "template.db"
    _migrate_and_load(f"sqlite:///{path}", instance)
    return {"backend": "sqlite", "path": path}


def copy_database(template: dict, tmp_path: Path):
    """Yield the URL of a private copy of a template database (a file copy, or CREATE DATABASE ... TEMPLATE)."""
    if template["backend"] == "postgres":
        cluster = template["cluster"]
        name = f"t_{uuid.uuid4().hex[:12]}"
        admin_url = cluster.url
        engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template["template"]}"'))
        engine.dispose()
        yield admin_url.rsplit("/", 1)[0] + f"/{name}"
        engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()
    else:
        path = tmp_path / "tracker.db"
        shutil.copy(template["path"], path)
        yield f"sqlite:///{path}"


@pytest.fixture
def database_url(database_template, tmp_path):
    """A private copy of the template database for one test."""
    yield from copy_database(database_template, tmp_path)


@pytest.fixture
def app_config(database_url, tmp_path):
    """Configuration overrides for the test app (tests may add to it before using `app`)."""
    return {
        "SQLALCHEMY_DATABASE_URI": database_url,
        "TESTING": True,
        "SERVER_NAME": None,
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": 9,  # discard: tests that read mail start a real SMTP sink and override this
        "MAIL_CATCHER_DIR": "",
    }


class RequestScopedClient(FlaskClient):
    """A test client whose every request runs in its own app context, as in production.

    The test itself holds an app context (to use the session); without this, requests would share its
    `g` (the signed-in user, the actor) and its database session.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture
def app(app_config, tmp_path, monkeypatch):
    """A fresh app bound to a private database."""
    monkeypatch.setenv("TRACKER_INSTANCE_PATH", str(tmp_path / "instance"))
    application = create_app("test", app_config)
    application.test_client_class = RequestScopedClient
    with application.app_context():
        yield application
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def session(app):
    """The app's SQLAlchemy session."""
    return db.session


@pytest.fixture
def client(app):
    """A test client (cookies kept between requests)."""
    return app.test_client()


@pytest.fixture
def accounts():
    """The test accounts: role, scope and password by name."""
    return ACCOUNTS
