"""In a real browser (Debian's Chromium): the admin and account pages run under the strict CSP without a single
violation, and the behaviour moved out of inline handlers still works (filters, delete confirmation)."""

from __future__ import annotations

import threading

import pytest
from playwright.sync_api import sync_playwright
from sqlalchemy import select
from werkzeug.serving import make_server

from app.reviews.models import Review
from devtools.chromium import chromium_path, launch_browser
from devtools.ports import free_port
from tests.security.conftest import user_by_email
from tests.support.accounts import ACCOUNTS, PASSWORD
from tests.support.reviews import make_review
from tests.support.web import next_totp_code

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(chromium_path() is None, reason="Chromium is not installed")]


@pytest.fixture
def served(app):
    """The test app on a free loopback port, in a thread."""
    port = free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    server.shutdown()


def _sign_in(page, base: str, app, who: str) -> None:
    email = ACCOUNTS[who][0]
    page.goto(f"{base}/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("#submit")
    if page.locator("form[name=two_factor_verify_code_form]").count():
        page.fill("#code", next_totp_code(app, email))
        page.click("#submit-code")
    page.wait_for_url(f"{base}/admin/**")


def _exists(session, rid: int) -> bool:
    session.expire_all()
    return session.scalar(select(Review.id).where(Review.id == rid)) is not None


def test_admin_pages_run_without_csp_violations(served, app, session, tmp_path):
    review = make_review(session, organisation_code="93C", local_identifier="BROWSER-CSP-1")
    rid = review.id
    violations: list[str] = []
    with sync_playwright() as p:
        browser = launch_browser(p)
        try:
            page = browser.new_page()
            page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
            _sign_in(page, served, app, "national")
            for path in ("/admin/", "/admin/review/", f"/admin/review/details/?id={rid}",
                         f"/admin/review/edit/?id={rid}", "/admin/users/", "/admin/audit/", "/change",
                         "/tf-setup", "/wan-register", "/mf-recovery-codes"):
                page.goto(served + path)
                page.wait_for_load_state("networkidle")
            page.goto(served + "/admin/review/")
            page.click("#filter-panel summary")
            assert page.locator(".filter-val").first.is_visible(), "the filter panel no longer opens"
            page.screenshot(path=str(tmp_path / "review-list.png"))
            # Delete (on the review's page) asks first (data-confirm): dismissed, nothing happens; accepted, it goes.
            page.goto(served + f"/admin/review/details/?id={rid}")
            page.once("dialog", lambda d: d.dismiss())
            page.locator("form[action*='/admin/review/delete/'] button").first.click()
            assert user_by_email(session, ACCOUNTS["national"][0]) is not None
            assert _exists(session, rid), "deleted without confirmation"
            page.once("dialog", lambda d: d.accept())
            page.locator("form[action*='/admin/review/delete/'] button").first.click()
            page.wait_for_load_state("networkidle")
            assert not _exists(session, rid), "the confirmed delete did not happen"
        finally:
            browser.close()
    assert not violations, violations
