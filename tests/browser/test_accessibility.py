"""axe-core over every page each role can reach, in Chromium: no WCAG 2.2 A/AA violation of any impact, and no
serious or critical best-practice one, anywhere.

Each role signs in and walks its navigation (header menu and category sub-menus), then from every list the first
record, its edit form and the create form (empty, then saved empty to show the errors), the review form's steps,
the review page's action forms opened and refused (linked reviews, decision, snooze, timeline update), reports
with a report run, imports, profile, the account pages (password, two-factor setup both steps, recovery codes,
security keys) and the error pages (400 for an expired form, 403, 404, 500). Any CSP violation fails too.
"""

from __future__ import annotations

import re

import pytest

from tests.browser.axe import axe_violations, sign_in

pytestmark = pytest.mark.browser

ROLES = ["national", "lead_london", "dp_ncl", "viewer_midlands"]
ACCOUNT_PAGES = ["/change", "/tf-setup", "/mf-recovery-codes", "/wan-register"]


class Walk:
    """Visits pages once each and keeps what axe and the console found."""

    def __init__(self, page, base: str):
        self.page, self.base = page, base
        self.seen: set[str] = set()
        self.found: dict[str, list] = {}
        self.csp: list[str] = []
        page.on("console", lambda m: self.csp.append(f"{page.url}: {m.text}")
                if "Content Security Policy" in m.text else None)

    def check(self, label: str) -> None:
        """Run axe on the page as it is now."""
        self.page.wait_for_load_state("load")
        violations = axe_violations(self.page)
        if violations:
            self.found[f"{label} ({self.page.url})"] = violations
        self.seen.add(label)

    def visit(self, path: str, expect: int | None = 200) -> bool:
        """Open a page (once) and check it; False when it was already seen."""
        url = path if path.startswith("http") else self.base + path
        key = re.sub(r"id=\d+", "id=N", url.replace(self.base, ""))
        if key in self.seen:
            return False
        response = self.page.goto(url)
        if expect is not None:
            assert response.status == expect, (url, response.status)
        self.check(key)
        return True

    def links(self, selector: str) -> list[str]:
        """The hrefs of the links matching a selector on the current page."""
        return [h for h in self.page.eval_on_selector_all(selector, "els => els.map(e => e.href)") if h]

    def submit_empty(self, selector: str, label: str) -> None:
        """Submit the form on the page as it is (the refused save shows its errors) and check the result."""
        button = self.page.locator(selector)
        if button.count():
            button.first.click()
            self.check(label)


def check_action_forms(walk: Walk, ids: dict[str, int]) -> None:
    """The review page's forms opened and refused: linked reviews (no number, a number not in the user's area, then
    a link made so the table has a row and a remove button), the rapid review decision and the snooze."""
    page = walk.page
    page.goto(f"{walk.base}/admin/review/details/?id={ids['sar']}")
    if page.locator("#link-form").count():
        page.click("#link-details summary")
        walk.check("linked-reviews form open")
        page.fill("#link-linked_review_id", "")
        page.click("#link-button")
        assert page.locator("#link-linked_review_id-error").count(), "an empty link was not refused"
        walk.check("link refused: no number")
        page.fill("#link-linked_review_id", "999999999")
        page.click("#link-button")
        assert page.locator(".nhsuk-error-summary").count(), "an unknown review number was not refused"
        walk.check("link refused: no such review")
        page.fill("#link-linked_review_id", str(ids["published"]))
        page.click("#link-button")
        page.wait_for_load_state("load")
        walk.check("linked reviews listed")
    page.goto(f"{walk.base}/admin/review/details/?id={ids['rapid']}")
    if page.locator("#decide-form").count():
        page.click("#decide-button")
        assert page.locator("#decide-outcome-error").count(), "a decision without an outcome was not refused"
        walk.check("decision refused")
    page.goto(f"{walk.base}/admin/review/details/?id={ids['sar']}")
    if page.locator("#snooze-form").count():
        page.click("#snooze-details summary")
        page.fill("#snooze-until", "")
        page.click("#snooze-button")
        walk.check("snooze refused")


def walk_role(walk: Walk, ids: dict[str, int]) -> None:
    """Every page of one role's navigation and what hangs off it."""
    page = walk.page
    walk.visit("/admin/")
    menu = walk.links("nav[aria-label=Menu] a.nhsuk-header__navigation-link")
    for href in menu:
        if walk.visit(href):
            for sub in walk.links(".tracker-subnav a"):
                walk.visit(sub)
    lists = [h for h in walk.seen if h.startswith("/admin/") and h.count("/") == 3 and "?" not in h]
    for path in sorted(lists):
        page.goto(walk.base + path)
        details = walk.links("table.model-list td a[href*='/details/']")
        create = walk.links("#create-link")
        if details and walk.visit(details[0]):
            edit = walk.links("#edit-link")
            if edit and walk.visit(edit[0]):
                walk.submit_empty("#model-form button[type=submit]", f"{path} edit refused")
        if create and walk.visit(create[0]):
            walk.submit_empty("#model-form button[type=submit], #continue", f"{path} create refused")
        if page.locator("#filter-panel").count():
            page.goto(walk.base + path)
            page.click("#filter-panel summary")
            walk.check(f"{path} filters open")
    reviews_visible = "/admin/review/" in walk.seen
    if reviews_visible:
        walk.visit(f"/admin/review/details/?id={ids['rapid']}")
        walk.visit(f"/admin/review/details/?id={ids['published']}")
        walk.visit("/admin/review/?search=26336")
        walk.visit("/admin/review/?sort=6&desc=1")
    if reviews_visible:
        page.goto(f"{walk.base}/admin/review/details/?id={ids['sar']}")
        if page.locator("#update-form").count():
            page.fill("#update-text", "")
            page.click("#add-update")
            walk.check("timeline update refused")
        check_action_forms(walk, ids)
    if walk.links("#create-link") or "/admin/review/new/" in walk.seen:
        for review_type in ("DHR", "RAPID", "OTHER"):
            if walk.visit(f"/admin/review/new/?review_type={review_type}"):
                walk.submit_empty("#save", f"create {review_type} refused")
        walk.visit(f"/admin/review/edit/?id={ids['sar']}")
    if "/admin/reports/" in walk.seen:
        walk.visit("/admin/reports/?period=2026-Q2")
        walk.visit("/admin/reports/?period_kind=month&month=11&month_year=2026")
    for path in ACCOUNT_PAGES:
        walk.visit(path)
    walk.visit("/tf-setup", expect=None)
    setup = page.locator("#setup-authenticator")
    if setup.count():
        setup.click()
        walk.check("two-factor setup: scan and confirm")
    walk.visit("/admin/review/details/?id=999999999", expect=404)
    walk.visit("/test-server-error", expect=500)
    page.goto(f"{walk.base}/admin/review/")
    page.evaluate("""() => { const form = document.createElement('form'); form.method = 'post';
        form.action = '/admin/review/link/'; document.body.append(form); form.submit(); }""")  # no CSRF token
    page.wait_for_url("**/admin/review/link/")
    assert "The form could not be used" in page.content()
    walk.check("expired form (400)")
    walk.visit("/admin/no-such-page/", expect=404)
    if "/admin/users/" not in walk.seen:
        walk.visit("/admin/users/", expect=403)


@pytest.mark.parametrize("who", ROLES)
def test_every_page_a_role_reaches_has_no_serious_accessibility_violation(site, page, who):
    app, base, ids = site
    walk = Walk(page, base)
    walk.visit("/login")
    sign_in(page, base, app, who)
    walk_role(walk, ids)
    assert len(walk.seen) >= 15, sorted(walk.seen)  # the walk really went round the role's screens
    assert {"/test-server-error", "expired form (400)", "/admin/no-such-page/"} <= walk.seen
    if "/admin/review/edit/?id=N" in walk.seen:  # a role that edits reviews met the review page's forms
        assert {"linked-reviews form open", "link refused: no such review", "linked reviews listed",
                "snooze refused"} <= walk.seen
    assert not walk.found, "\n".join(f"{where}: {v}" for where, vs in walk.found.items() for v in vs)
    assert not walk.csp, walk.csp
