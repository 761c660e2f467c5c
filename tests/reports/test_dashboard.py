"""The dashboard: hand-computed figures for today, and every number links to a list showing that many reviews."""

from __future__ import annotations

import html as html_lib
import re
from datetime import date

import pytest

from app.timezone import london_today
from app.types import utcnow
from tests.support.reviews import make_review
from tests.support.web import sign_in

NUMBER = re.compile(r'<a class="dash-number" id="([^"]+)" href="([^"]+)"[^>]*>([\d,]+)</a>')


def numbers(page: str) -> dict[str, tuple[int, str]]:
    """{element id: (number shown, link)} of every dashboard number."""
    return {i: (int(n.replace(",", "")), html_lib.unescape(href)) for i, href, n in NUMBER.findall(page)}


def list_count(client, url: str) -> int:
    page = client.get(url)
    assert page.status_code == 200, url
    match = re.search(r'id="list-count">(\d+) found', page.get_data(as_text=True))
    return int(match.group(1)) if match else 0


@pytest.fixture
def today_reviews(session, reviews):
    """R1 (SAR, 93C) added today and open; R2 (DHR, 72Q) added, signed off and published today."""
    today = london_today(utcnow())
    incident = date(today.year - 1, today.month, 1)
    make_review(session, now=utcnow(), local_identifier="RPT-R1", organisation_code="93C", date_added=today,
                incident_date=incident, themes=["CA_NEGLECT"])
    make_review(session, now=utcnow(), local_identifier="RPT-R2", review_type="DHR", organisation_code="72Q",
                date_added=today, incident_date=incident, themes=["CA_DOMESTIC"], signed_off_date=today,
                publication_status="public", publication_date=today, report_url="https://example.org/r2")
    return today


def test_national_dashboard_figures(client, today_reviews):
    sign_in(client, "national")
    page = client.get("/admin/")
    assert page.status_code == 200
    found = {k: n for k, (n, _) in numbers(page.get_data(as_text=True)).items()}
    # Open today: L10, L8c, B1, N1, R1 (SAR); L3, L6c, B2 (CSPR); L5, M1, M2c (DHR); L9 (rapid)
    assert found["open-total"] == 12
    assert (found["open-SAR_MANDATORY"], found["open-CSPR"], found["open-DHR"], found["open-RAPID"],
            found["open-OTHER"]) == (5, 3, 3, 1, 0)
    assert (found["opened-month"], found["opened-quarter"], found["closed-month"], found["closed-quarter"]) == (
        2, 2, 1, 1)  # R1 and R2 added today; R2 published today
    assert (found["rapid-awaiting"], found["rapid-overdue"], found["media-open"]) == (1, 1, 3)  # L9; L3, L6c, M1
    assert found["overdue-stale"] == 11            # every open review but R1 (no update for years)
    assert found["overdue-sign_off_expected"] == 9  # L3, L5, L6c, L8c, B1, B2, M1, M2c, N1 (L10 is signed off)
    assert found["overdue-publication_chase"] == 1  # L10
    assert found["overdue-embargo_review"] == 1     # L2 (closed, embargoed, review date 1 June 2022)
    assert found["overdue-rapid_review_due"] == 1   # L9
    assert found["overdue-any"] == 12
    assert found["theme-WT_NEGLECT"] == 3 and found["theme-CA_DOMESTIC"] == 2 and found["theme-CA_NEGLECT"] == 2


def test_every_dashboard_number_opens_a_list_of_that_many_reviews(client, today_reviews):
    for who in ("national", "lead_london", "dp_notts"):
        sign_in(client, who)
        page = client.get("/admin/").get_data(as_text=True)
        shown = numbers(page)
        assert len(shown) >= 20, who
        for element, (n, url) in shown.items():
            assert url.startswith("/admin/review/?flt0_"), (who, element, url)
            assert list_count(client, url) == n, (who, element, url, n)
        client.post("/logout", data={"csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)})


def test_lead_dashboard_is_cut_to_the_region(client, today_reviews):
    sign_in(client, "lead_london")
    page = client.get("/admin/").get_data(as_text=True)
    found = {k: n for k, (n, _) in numbers(page).items()}
    assert found["open-total"] == 7  # L10, L8c, R1, L3, L6c, L5, L9: never Midlands or Yorkshire
    assert "region Y56 London" in page and "current hierarchy" in page


def test_dashboard_charts(client, today_reviews):
    sign_in(client, "lead_london")
    page = client.get("/admin/").get_data(as_text=True)
    for chart in ("trend", "types", "themes"):
        assert f'id="chart-{chart}" src="/admin/chart/{chart}.svg"' in page
        svg = client.get(f"/admin/chart/{chart}.svg")
        assert svg.status_code == 200 and svg.mimetype == "image/svg+xml" and b"<svg" in svg.data
        png = client.get(f"/admin/chart/{chart}.png")
        assert png.status_code == 200 and png.data[:4] == b"\x89PNG"
    assert client.get("/admin/chart/secrets.svg").status_code == 404
    assert client.get("/admin/chart/trend.gif").status_code == 404
    alt = page.split('id="chart-types"')[1].split('alt="')[1].split('"')[0]
    assert "SAR: 3" in alt and "CSPR: 2" in alt and "Rapid Review: 1" in alt


def test_the_dashboard_says_reviews_with_an_overdue_clock(client, today_reviews):
    sign_in(client, "national")
    page = client.get("/admin/").get_data(as_text=True)
    assert "Reviews with an overdue clock today" in page
    assert "Any clock (reviews with at least one overdue clock)" in page


def test_the_dashboard_as_at_an_earlier_day(client, session, reviews):
    """As at 31 December 2021 the London lead's dashboard shows what the tracker held then: the Q3 report's open at
    end (current hierarchy) and overdue clocks, and numbers that are not links (the lists always show today)."""
    sign_in(client, "lead_london")
    page = client.get("/admin/?as_at=2021-12-31").get_data(as_text=True)
    assert 'id="dashboard-history-note"' in page and "31 December 2021" in page
    assert NUMBER.findall(page) == []  # no links
    shown = dict(re.findall(r'<span class="dash-number" id="([^"]+)">([\d,]+)</span>', page))
    assert shown["open-total"] == "5"       # L10, L3, L6c, L8, L9
    assert shown["open-RAPID"] == "2"       # L8, L9
    assert shown["overdue-any"] == "3"      # L6c, L9, L10 (as the Q3 report's overdue table)
    assert shown["opened-quarter"] == "7" and shown["closed-quarter"] == "5"  # Q3 2021/22
    assert 'src="/admin/chart/trend.svg?as_at=2021-12-31"' in page
    assert client.get("/admin/chart/trend.svg?as_at=2021-12-31").status_code == 200
    for bad, message in (("2021-02-30", "is not a date"), ("2099-01-01", "after today")):
        response = client.get(f"/admin/?as_at={bad}")
        assert response.status_code == 400 and message in response.get_data(as_text=True)
