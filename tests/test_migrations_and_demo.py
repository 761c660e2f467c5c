"""Migrations match the models on this database; demo data loads once and never in production."""

import secrets

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select

from app.extensions import db
from app.factory import create_app
from app.people.models import User
from app.reviews.models import Review
from app.schema_compare import include_object


def test_the_migrated_schema_matches_the_models(app):
    """What `flask db check` checks: autogenerate would find nothing to add, drop or alter."""
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True, "render_as_batch": True,
                                                                 "include_object": include_object})
        assert compare_metadata(context, db.metadata) == []


def test_flask_db_check_passes(app):
    result = app.test_cli_runner().invoke(args=["db", "check"])
    assert result.exit_code == 0, result.output


def test_demo_load_creates_several_hundred_reviews_once(app, session):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "load", "--reviews", "150"])
    assert first.exit_code == 0, first.output
    count = session.scalar(select(func.count(Review.id)))
    assert count >= 150
    types = set(session.scalars(select(Review.review_type).distinct()))
    statuses = set(session.scalars(select(Review.status).distinct()))
    assert {"RAPID", "CSPR", "DHR", "SAR_MANDATORY"} <= types and {"open", "closed", "converted"} <= statuses
    assert session.scalar(select(func.count(Review.id)).where(Review.converted_to_id.is_not(None))) > 0
    second = runner.invoke(args=["demo", "load"])
    assert "already loaded: nothing added" in second.output
    assert session.scalar(select(func.count(Review.id))) == count
    assert "kestrel-harbour-lantern-42" in second.output


@pytest.fixture
def production_app(app_config, tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", secrets.token_urlsafe(48))
    monkeypatch.setenv("SECURITY_PASSWORD_SALT", secrets.token_urlsafe(32))
    monkeypatch.setenv("DATABASE_URL", app_config["SQLALCHEMY_DATABASE_URI"])
    monkeypatch.setenv("REDIS_URL", "redis://:pw@127.0.0.1:1/0")
    return create_app("production", {"SQLALCHEMY_DATABASE_URI": app_config["SQLALCHEMY_DATABASE_URI"]})


def test_demo_data_is_refused_in_production(production_app):
    with production_app.app_context():
        result = production_app.test_cli_runner().invoke(args=["demo", "load"])
        assert result.exit_code != 0 and "not allowed" in result.output
        assert db.session.scalar(select(func.count(User.id)).where(User.email == "lead.ney@example.com")) == 0
