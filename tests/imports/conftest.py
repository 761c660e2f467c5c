"""Fixtures for import tests: further empty databases (reference data and accounts, no reviews)."""

from __future__ import annotations

import shutil
import uuid

import pytest
from sqlalchemy import create_engine, text

from app.extensions import db
from app.factory import create_app


@pytest.fixture
def empty_app(database_template, app_config, tmp_path):
    """A factory of apps, each on its own fresh copy of the template database (dropped afterwards)."""
    made: list[tuple[object, str | None]] = []

    def make():
        if database_template["backend"] == "postgres":
            cluster = database_template["cluster"]
            name = f"t_{uuid.uuid4().hex[:12]}"
            engine = create_engine(cluster.url, isolation_level="AUTOCOMMIT")
            with engine.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{database_template["template"]}"'))
            engine.dispose()
            url = cluster.url.rsplit("/", 1)[0] + f"/{name}"
        else:
            name = None
            path = tmp_path / f"empty-{uuid.uuid4().hex[:8]}.db"
            shutil.copy(database_template["path"], path)
            url = f"sqlite:///{path}"
        other = create_app("test", {**app_config, "SQLALCHEMY_DATABASE_URI": url})
        made.append((other, name))
        return other

    yield make
    for other, name in made:
        with other.app_context():
            db.session.remove()
            db.engine.dispose()
        if name:
            engine = create_engine(database_template["cluster"].url, isolation_level="AUTOCOMMIT")
            with engine.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            engine.dispose()
