"""In Debian's Chromium: a designated professional creates a review, finds it with a filter, signs out;
a designated professional of another ICB cannot open it by URL."""

import re

import pytest
from sqlalchemy import select

from app.reviews.models import Review
from tests.support.accounts import ACCOUNTS, PASSWORD
from tests.support.live import live_server

pytestmark = pytest.mark.browser


def sign_in(page, base, who):
    page.goto(f"{base}/login")
    page.fill("input[name=email]", ACCOUNTS[who][0])
    page.fill("input[name=password]", PASSWORD)
    page.click("#submit")
    page.wait_for_url(re.compile(r".*/admin/$"))


def test_designated_professional_creates_finds_and_another_icb_cannot_open(app, session, page):
    with live_server(app) as base:
        sign_in(page, base, "dp_ncl")
        page.click("nav[aria-label=Menu] >> text=Reviews")
        page.click("#create-link")
        page.check("input[name=review_type][value=DHR]")
        page.click("#continue")
        page.select_option("#organisation_code", "93C")
        page.fill("#dp_initials", "RT")
        page.fill("#local_identifier", "DHR-NCL-BROWSER-1")
        page.fill("#date_added", "2026-03-02")
        page.fill("#incident_date", "2026-02-14")
        page.fill("#overview", "Domestic abuse related death; agencies had contact in the preceding year.")
        page.select_option("#theme_1", "CA_DOMESTIC")
        page.click("#save")
        page.wait_for_url(re.compile(r".*/admin/review/details/\?id=\d+"))
        assert page.locator("#review-title").inner_text() == "DHR-NCL-BROWSER-1"
        review_url = page.url

        # Find it in the list with a filter chosen from the filter menu.
        page.goto(f"{base}/admin/review/")
        page.click("#filter-panel summary")
        page.select_option("select[name$=_type_of_review_equals]", "DHR")
        page.click("#apply-filters")
        page.wait_for_url(re.compile(r".*flt\d+_type_of_review_equals=DHR.*"))
        assert page.locator("table.model-list a:has-text('DHR-NCL-BROWSER-1')").count() == 1

        page.click("#sign-out")
        page.wait_for_url(re.compile(r".*/login.*"))

        sign_in(page, base, "dp_notts")
        response = page.goto(review_url)
        assert response.status == 404
        assert "DHR-NCL-BROWSER-1" not in page.content()
    review = session.scalar(select(Review).where(Review.local_identifier == "DHR-NCL-BROWSER-1"))
    assert review is not None and review.review_type == "DHR"
