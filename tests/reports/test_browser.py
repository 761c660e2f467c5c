"""The regional lead's journey in a real browser (Debian's Chromium) against a live server on a free port."""

from __future__ import annotations

import pytest
from playwright.sync_api import sync_playwright

from devtools.chromium import launch_browser
from tests.reports import journey
from tests.reports.support import number, sheet_table, xlsx_sheets
from tests.support.accounts import ACCOUNTS, PASSWORD
from tests.support.live import live_server
from tests.support.web import next_totp_code


def chart_loaded(page, element_id: str) -> None:
    """Wait until a chart image has loaded and has a size (an image that fails to load never does)."""
    page.wait_for_function("id => { const i = document.getElementById(id); "
                           "return i !== null && i.complete && i.naturalWidth > 0; }", arg=element_id, timeout=30_000)


@pytest.mark.browser
def test_regional_lead_journey_in_chromium(app, session, tmp_path):
    quarter = journey.build(session)
    with live_server(app) as base_url, sync_playwright() as playwright:
        browser = launch_browser(playwright)
        try:
            page = browser.new_page(accept_downloads=True, viewport={"width": 1400, "height": 1000})
            violations: list[str] = []
            page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
            email = ACCOUNTS["lead_london"][0]
            page.goto(f"{base_url}/login")
            page.fill("#email", email)
            page.fill("#password", PASSWORD)
            page.click("#submit")
            if page.locator("form[name=two_factor_verify_code_form]").count():
                page.fill("#code", next_totp_code(app, email))
                page.click("#submit-code")
            page.wait_for_selector("#open-total")
            assert page.inner_text("#open-total") == str(journey.OPEN_NOW)
            chart_loaded(page, "chart-trend")
            page.click("#go-to-reports")
            page.wait_for_selector("#report-summary")
            fy, quarter_number = quarter.code.split("-Q")
            page.check("#period-kind-quarter")
            page.select_option("#quarter_fy", fy)
            page.select_option("#quarter", quarter_number)
            page.select_option("#scope", "Y56")
            page.check("#geography-recorded")
            page.click("#run-report")
            page.wait_for_selector("#table-flow")
            assert page.inner_text("#report-summary h2") == f"{quarter.label} · region Y56 London"
            assert page.inner_text("#geography-mode") == "Geography: As recorded"
            shown = {}
            for row in page.query_selector_all("#table-flow tbody tr"):
                cells = [c.inner_text().strip() for c in row.query_selector_all("th, td")]
                shown[cells[0]] = tuple(number(c) for c in cells[1:])
            for name, values in journey.FLOW.items():
                assert shown[name] == values, name
            for chart in ("flow", "themes", "rapid", "trend"):
                chart_loaded(page, f"chart-{chart}")
            page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
            assert violations == []  # no inline script or style on the dashboard or the reports page
            with page.expect_download() as info:
                page.click("#download-all")
            download = info.value
            assert download.suggested_filename == (f"report-all-{quarter.code}-Y56-recorded-as-at-"
                                                   f"{quarter.end.isoformat()}.xlsx")
            sheets = xlsx_sheets(open(download.path(), "rb").read())  # noqa: SIM115
            by_type = {r[0]: tuple(r[1:6]) for r in sheet_table(sheets["By type"])[2]}
            for name, values in journey.FLOW.items():
                assert by_type[name] == values, name
        finally:
            browser.close()
