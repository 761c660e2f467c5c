"""Creating a review with the keyboard alone (Tab, Enter, arrow keys and typing; no mouse), with a visible focus
indicator on every control reached."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.reviews.models import Review
from tests.browser.axe import sign_in
from tests.support.live import live_server

pytestmark = pytest.mark.browser

FOCUS_VISIBLE = """() => {
  const e = document.activeElement, s = getComputedStyle(e);
  return {tag: e.tagName, id: e.id, name: e.name || '', type: e.type || '', text: (e.innerText || '').trim(),
          visible: (s.outlineStyle !== 'none' && s.outlineWidth !== '0px') || s.boxShadow !== 'none'};
}"""


def tab_to(page, test, limit: int = 80) -> dict:
    """Press Tab until the focused element passes `test`; every element on the way must show its focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUS_VISIBLE)
        assert focused["visible"], f"no visible focus on {focused}"
        if test(focused):
            return focused
    raise AssertionError("never reached the element with Tab")


def type_date(page, year: str, month: str, day: str) -> None:
    """Type a date into the focused date input: day first as a British browser shows it; headless Chromium shows
    month first whatever the locale, so when the value is not the date, go back (Shift+Tab) and type it that way."""
    page.keyboard.type(day + month + year)
    if page.evaluate("() => document.activeElement.value") != f"{year}-{month}-{day}":
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Shift+Tab")
        page.keyboard.type(month + day + year)
    assert page.evaluate("() => document.activeElement.value") == f"{year}-{month}-{day}"


def test_a_designated_professional_creates_a_review_with_the_keyboard_only(app, session, browser):
    with live_server(app) as base:
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
        page = context.new_page()
        try:
            sign_in(page, base, app, "dp_ncl")
            page.goto(f"{base}/admin/review/")
            tab_to(page, lambda f: f["id"] == "create-link")
            page.keyboard.press("Enter")
            page.wait_for_url(re.compile(r".*/admin/review/new/.*"))
            tab_to(page, lambda f: f["name"] == "review_type")
            for _ in range(6):  # the radios are one Tab stop: arrows move to Domestic Homicide Review
                if page.evaluate("() => document.activeElement.value") == "DHR":
                    break
                page.keyboard.press("ArrowDown")
            assert page.evaluate("() => document.activeElement.value") == "DHR"
            tab_to(page, lambda f: f["id"] == "continue")
            page.keyboard.press("Enter")
            page.wait_for_selector("#review-form")

            def fill(name: str, keys: str) -> None:
                tab_to(page, lambda f: f["name"] == name)
                page.keyboard.type(keys)

            fill("organisation_code", "NHS North Central London ICB - 93C")  # type-ahead in the drop-down
            fill("dp_initials", "KB")
            fill("local_identifier", "DHR-KEYBOARD-1")
            tab_to(page, lambda f: f["name"] == "date_added")
            type_date(page, "2026", "03", "02")
            tab_to(page, lambda f: f["name"] == "incident_date")
            type_date(page, "2026", "02", "14")
            fill("overview", "Domestic abuse related death; agencies had contact in the preceding year.")
            fill("theme_1", "Domestic")
            tab_to(page, lambda f: f["id"] == "save")
            with page.expect_navigation():
                page.keyboard.press("Enter")
            assert not page.locator("#error-summary").count(), page.inner_text("#error-summary")
            page.wait_for_url(re.compile(r".*/admin/review/details/\?id=\d+"))
            assert page.inner_text("#review-title") == "DHR-KEYBOARD-1"
        finally:
            context.close()
    review = session.scalar(select(Review).where(Review.local_identifier == "DHR-KEYBOARD-1"))
    assert review is not None and review.review_type == "DHR" and review.dp_initials == "KB"
    assert str(review.date_added) == "2026-03-02" and str(review.incident_date) == "2026-02-14"
    assert review.theme_codes and review.organisation_code == "93C"
