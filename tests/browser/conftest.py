"""Browser fixtures: one Chromium for the whole tests/browser package, and one live demo site per module (a
private copy of the template database with a few reviews of every type, served on a free loopback port) that the
tests of the module share. Tests that change data use the function-scoped `app` with tests.support.live instead."""

from __future__ import annotations

import os
from datetime import date

import pytest
from flask import abort
from playwright.sync_api import sync_playwright

from app.extensions import db
from app.factory import create_app
from devtools.chromium import LAUNCH_ARGS, chromium_path, launch_browser
from tests.conftest import copy_database
from tests.support.live import live_server
from tests.support.reviews import make_review


@pytest.fixture(scope="package")
def browser():
    """Debian's Chromium, started once for this package's tests. Package scope, not session: while a sync
    Playwright runs, no other can start in the same thread, and browser tests elsewhere in the suite start their
    own after this package is done."""
    if chromium_path() is None:
        pytest.skip("Chromium is not installed")
    with sync_playwright() as playwright:
        chromium = launch_browser(playwright, args=[*LAUNCH_ARGS, "--lang=en-GB"])  # British English interface
        yield chromium
        chromium.close()


def seed_reviews(session) -> dict[str, int]:
    """A review of each shape the screens treat differently; returns their ids by name."""
    reviews = {
        "sar": make_review(session, local_identifier="A11Y-SAR-1", steis_number="2026/26336"),
        "rapid": make_review(session, review_type="RAPID", local_identifier="A11Y-RR-1", incident_date=None,
                             date_added=date(2026, 11, 20), notification_date=date(2026, 11, 20)),
        "published": make_review(session, review_type="DHR", local_identifier="A11Y-DHR-1",
                                 signed_off_date=date(2025, 12, 1), publication_status="public",
                                 publication_date=date(2026, 1, 15), report_url="https://example.org/report"),
        "other": make_review(session, review_type="OTHER", type_other_description="Learning review",
                             local_identifier="A11Y-OTHER-1", organisation_code="52R"),
    }
    return {name: review.id for name, review in reviews.items()}


@pytest.fixture(scope="module")
def site(database_template, tmp_path_factory):
    """(app, base URL, review ids) of a live site shared by one module's tests."""
    tmp = tmp_path_factory.mktemp("site")
    os.environ["TRACKER_INSTANCE_PATH"] = str(tmp / "instance")
    urls = copy_database(database_template, tmp)
    url = next(urls)
    app = create_app("test", {"SQLALCHEMY_DATABASE_URI": url, "TESTING": True, "SERVER_NAME": None,
                              "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": 9, "MAIL_CATCHER_DIR": ""})
    with app.app_context():
        ids = seed_reviews(db.session)
        db.session.remove()
    app.add_url_rule("/test-server-error", "test_server_error", lambda: abort(500))  # the 500 page, to check it
    with live_server(app) as base:
        yield app, base, ids
    with app.app_context():
        db.engine.dispose()
    for _ in urls:  # drop the copy (PostgreSQL)
        pass


@pytest.fixture
def page(browser):
    """A fresh browser context and page (no cookies from another test), British English."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    yield tab
    context.close()
