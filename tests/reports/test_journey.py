"""Done-when: a regional lead signs in, opens the dashboard, runs last quarter's report for their region,
downloads the XLSX, and the figures match the hand-computed ones (tests/reports/journey.py)."""

from __future__ import annotations

import html as html_lib
import re

from tests.reports import journey
from tests.reports.support import number, page_table, sheet_table, xlsx_sheets
from tests.support.web import sign_in


def test_a_regional_lead_runs_last_quarters_report_and_downloads_the_xlsx(client, session):
    quarter = journey.build(session)
    landing = sign_in(client, "lead_london")
    assert landing.status_code == 200 and 'id="open-total"' in landing.get_data(as_text=True)  # the dashboard
    dashboard = landing.get_data(as_text=True)
    assert re.search(r'id="open-total"[^>]*>(\d+)<', dashboard).group(1) == str(journey.OPEN_NOW)
    reports_link = re.search(r'id="go-to-reports" href="([^"]+)"', dashboard).group(1)
    page = client.get(reports_link)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert f"{quarter.label} · region Y56 London" in html  # last quarter and the lead's region by default
    assert "Geography: As recorded" in html
    on_page = {r[0]: tuple(number(v) for v in r[1:]) for r in page_table(html, "flow")[1:]}
    for name, values in journey.FLOW.items():
        assert on_page[name] == values, name
    xlsx_link = html_lib.unescape(re.search(r'id="download-all" href="([^"]+)"', html).group(1))
    assert f"period={quarter.code}" in xlsx_link and "scope=Y56" in xlsx_link
    download = client.get(xlsx_link)
    assert download.status_code == 200
    assert (f"report-all-{quarter.code}-Y56-recorded-as-at-{quarter.end.isoformat()}.xlsx"
            in download.headers["Content-Disposition"])
    sheets = xlsx_sheets(download.data)
    preamble, header, rows = sheet_table(sheets["By type"])
    assert header == ["Type of review", "Open at start", "Opened", "Reopened", "Closed or converted", "Open at end"]
    assert preamble["Period"].startswith(quarter.description) and preamble["Scope"] == "region Y56 London"
    assert preamble["Geography"].startswith("As recorded")
    by_type = {r[0]: tuple(r[1:6]) for r in rows}
    for name, values in journey.FLOW.items():
        assert by_type[name] == values, name
    assert by_type["SAR (discretionary)"] == by_type["Other"] == (0, 0, 0, 0, 0)
    rapid = {r[0]: r[1] for r in sheet_table(sheets["Rapid reviews"])[2]}
    for name, value in journey.RAPID.items():
        assert rapid[name] == value, name
    overdue = {r[0]: r[1] for r in sheet_table(sheets["Overdue clocks"])[2]}
    for name, value in journey.OVERDUE.items():
        assert overdue[name] == value, name
    learning = sheet_table(sheets["Learning"])[2]
    assert [(r[1], r[7] if len(r) > 7 else None) for r in learning] == [("JRN-A", "Journey learning."),
                                                                         ("JRN-D", None)]
    assert "JRN-E" not in str(sheets)  # the Midlands review is never counted or listed
