"""Fixtures of the reporting tests: the hand-computed data set, built once per run and copied for each test."""

from __future__ import annotations

import shutil

import pytest
from sqlalchemy import select

from app.extensions import db
from app.factory import create_app
from app.reviews.models import Review
from tests.conftest import copy_database
from tests.reports import dataset


def _build_into(url: str) -> None:
    application = create_app("test", {"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    with application.app_context():
        dataset.build(db.session)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="session")
def dataset_template(database_template, tmp_path_factory):
    """The template database plus the reporting data set (tests/reports/dataset.py), built through the services."""
    if database_template["backend"] == "postgres":
        cluster = database_template["cluster"]
        _build_into(cluster.create_database("template_reports", template=database_template["template"]))
        return {**database_template, "template": "template_reports"}
    path = tmp_path_factory.mktemp("reports") / "reports.db"
    shutil.copy(database_template["path"], path)
    _build_into(f"sqlite:///{path}")
    return {**database_template, "path": path}


@pytest.fixture
def database_url(request, database_template, tmp_path):
    """A private database: a copy of the data set's template when the test asks for `reviews`."""
    template = request.getfixturevalue("dataset_template") if "reviews" in request.fixturenames else database_template
    yield from copy_database(template, tmp_path)


@pytest.fixture
def reviews(session) -> dict[str, Review]:
    """The data set's reviews by name (O1, L1 ... N1; see tests/reports/dataset.py)."""
    rows = session.scalars(select(Review).where(Review.local_identifier.like("RPT-%"))).all()
    found = {r.local_identifier.removeprefix("RPT-"): r for r in rows}
    assert set(found) >= set(dataset.NAMES), "the reporting data set is incomplete"
    return found
