"""The reports page as a user drives it: the same figures on the page, in the CSV, the XLSX and the CLI."""

from __future__ import annotations

import re

from sqlalchemy import select

from app.audit.models import AuditEvent
from app.reports.files import read_csv_table
from app.reports.periods import QUARTER, last_complete
from app.timezone import london_today
from app.types import utcnow
from tests.reports.support import TYPES, number, page_table, sheet_table, xlsx_sheets
from tests.reports.test_cli import cli_tables
from tests.support.web import sign_in

Q3 = "period=2021-Q3&scope=Y56&geography=recorded"

# London, Q3 2021/22, as recorded: worked out by hand in tests/reports/dataset.py and test_metrics.py.
FLOW = {"SAR": [3, 0, 2, 1], "SAR (discretionary)": [0, 0, 0, 0], "DHR": [0, 1, 1, 0], "DHR (child)": [0, 0, 0, 0],
        "CSPR": [0, 2, 0, 2], "Rapid Review": [0, 4, 2, 2], "Other": [0, 0, 0, 0], "Total": [3, 7, 5, 5]}
RAPID = {"Rapid reviews added in the period": 4, "Rapid reviews decided in the period": 2,
         "Converted to a Child Safeguarding Practice Review (CSPR)": 1,
         "Converted to a Safeguarding Adult Review (SAR)": 0, "Converted to a Domestic Homicide Review (DHR)": 0,
         "Converted (all)": 1, "No further review": 1, "Conversion rate (% of decisions)": 50.0,
         "Median working days from notification to decision": 12.0,
         "Decided within 15 working days of notification": 2, "Awaiting a decision at end": 2}
OVERDUE = {"Rapid review due": 1, "Update due (stale after no update)": 3, "Sign-off expected": 0,
           "Submission to the Home Office Quality Assurance Panel": 0,
           "Home Office Quality Assurance Panel decision": 0, "Publication due": 1, "Embargo review": 0,
           "Any clock (reviews with at least one overdue)": 3}
AREAS = {"QMJ": [3, 5, 5, 3], "QMF": [0, 0, 0, 0], "QRV": [0, 0, 0, 0], "QKK": [0, 2, 0, 2], "QWE": [0, 0, 0, 0],
         "Total": [3, 7, 5, 5]}


def figures(rows: list[list], first: int, values: slice) -> dict:
    """{first cell: numbers} from table rows of any source (page text, CSV text, XLSX values)."""
    out = {}
    for row in rows:
        cells = [number(v) for v in row[values]]
        out[row[first]] = cells if len(cells) > 1 else cells[0]
    return out


def test_the_same_figures_on_the_page_in_csv_xlsx_and_cli(app, client, reviews):
    sign_in(client, "lead_london")
    page = client.get(f"/admin/reports/?{Q3}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Geography: As recorded" in html
    sources = {"page": {}, "csv": {}, "xlsx": {}}
    for key in ("flow", "rapid", "overdue", "areas"):
        rows = page_table(html, key)[1:]
        csv_preamble, _, csv_rows = read_csv_table(client.get(f"/admin/reports/download/{key}.csv?{Q3}")
                                                   .get_data(as_text=True))
        assert csv_preamble["Geography"].startswith("As recorded") and csv_preamble["Scope"] == "region Y56 London"
        if key == "areas":
            sources["page"][key], sources["csv"][key] = figures(rows, 0, slice(2, 6)), figures(csv_rows, 0, slice(2, 6))
        else:
            sources["page"][key], sources["csv"][key] = figures(rows, 0, slice(1, None)), figures(csv_rows, 0,
                                                                                                  slice(1, None))
    workbook = client.get(f"/admin/reports/download/all.xlsx?{Q3}")
    assert workbook.status_code == 200
    sheets = xlsx_sheets(workbook.data)
    assert list(sheets) == ["By type", "By area", "Rapid reviews", "Themes", "Overdue clocks", "Media interest",
                            "Open trend", "Learning"]
    for key, sheet in (("flow", "By type"), ("rapid", "Rapid reviews"), ("overdue", "Overdue clocks"),
                       ("areas", "By area")):
        preamble, _, rows = sheet_table(sheets[sheet])
        assert preamble["Geography"].startswith("As recorded")
        sources["xlsx"][key] = figures(rows, 0, slice(2, 6) if key == "areas" else slice(1, None))
    result = app.test_cli_runner().invoke(args=["reports", "show", "--period", "2021-Q3", "--scope", "Y56"])
    printed = cli_tables(result.output)
    sources["cli"] = {
        "flow": figures(printed["Reviews by type: open, opened and closed"][1:], 0, slice(1, None)),
        "rapid": figures(printed["Rapid reviews"][1:], 0, slice(1, None)),
        "overdue": figures(printed["Overdue clocks at 31 December 2021"][1:], 0, slice(1, None)),
        "areas": figures(printed["Reviews by ICB / ICS"][1:], 0, slice(-4, None)),
    }
    for name, found in sources.items():
        assert found["flow"] == FLOW, name
        assert found["rapid"] == RAPID, name
        assert found["overdue"] == OVERDUE, name
        assert found["areas"] == AREAS, name


def test_each_table_downloads_as_csv_and_xlsx_and_is_audited(client, session, reviews):
    sign_in(client, "viewer_national")
    for key in ("flow", "areas", "rapid", "themes", "overdue", "media", "trend", "learning"):
        csv_response = client.get(f"/admin/reports/download/{key}.csv?{Q3}")
        assert csv_response.status_code == 200 and csv_response.mimetype == "text/csv", key
        assert f"report-{key}-2021-Q3-Y56-recorded.csv" in csv_response.headers["Content-Disposition"]
        xlsx = client.get(f"/admin/reports/download/{key}.xlsx?{Q3}")
        assert xlsx.status_code == 200 and len(xlsx_sheets(xlsx.data)) == 1, key
    learning = xlsx_sheets(client.get(f"/admin/reports/download/learning.xlsx?{Q3}").data)["Learning"]
    _, header, rows = sheet_table(learning)
    assert header[1] == "Identifier" and [r[1] for r in rows] == ["RPT-L1", "RPT-L7", "RPT-L2", "RPT-O1"]
    assert rows[-1][-1] == "'=Review the policy"  # a formula typed into a review is inert in the file
    session.expire_all()
    events = session.scalars(select(AuditEvent).where(AuditEvent.action == "report.download")).all()
    assert len(events) == 17 and {e.actor_email for e in events} == {"viewer.national@example.com"}
    assert events[0].detail == "flow as csv; period 2021-Q3; scope Y56; geography recorded; 8 rows"


def test_charts_are_drawn_on_the_server_and_download_as_png_and_svg(client, session, reviews):
    sign_in(client, "lead_london")
    html = client.get(f"/admin/reports/?{Q3}").get_data(as_text=True)
    assert all("src=" in tag for tag in re.findall(r"<script[^>]*>", html))  # no inline script
    for chart in ("flow", "themes", "rapid", "trend"):
        assert f'id="chart-{chart}" src="/admin/reports/chart/{chart}.svg?' in html
        svg = client.get(f"/admin/reports/chart/{chart}.svg?{Q3}")
        assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
        body = svg.get_data(as_text=True)
        assert "<svg" in body and "<script" not in body and 'href="http' not in body
        assert client.get(f"/admin/reports/chart/{chart}.svg?{Q3}").data == svg.data  # deterministic
        png = client.get(f"/admin/reports/chart/{chart}.png?{Q3}&download=1")
        assert png.status_code == 200 and png.data[:8] == b"\x89PNG\r\n\x1a\n"
        assert f"chart-{chart}-2021-Q3-Y56-recorded.png" in png.headers["Content-Disposition"]
    alt = html.split('id="chart-rapid"')[1].split('alt="')[1].split('"')[0]
    assert "CSPR: 1" in alt and "No further review: 1" in alt and "region Y56 London" in alt
    session.expire_all()
    downloads = session.scalars(select(AuditEvent.detail).where(AuditEvent.action == "report.download")).all()
    assert sorted(downloads) == sorted(f"chart {c} as png; period 2021-Q3; scope Y56; geography recorded"
                                       for c in ("flow", "themes", "rapid", "trend"))


def test_the_page_says_which_geography(client, reviews):
    sign_in(client, "national")
    html = client.get("/admin/reports/?period=2021-Q3&scope=Y60&geography=current").get_data(as_text=True)
    assert "Geography: Current hierarchy" in html and "today&#39;s hierarchy" in html
    flow = figures(page_table(html, "flow")[1:], 0, slice(1, None))
    assert flow["Total"] == [1, 3, 1, 3]
    assert 'id="geography-current" value="current" checked' in html


def test_bad_requests_get_a_clear_message_and_no_figures(client, reviews):
    sign_in(client, "lead_london")
    for query, status, message in [
        ("period=2021-Q7&scope=Y56", 400, "Period: 2021-Q7 is not a quarter"),
        ("period=2030-Q1&scope=Y56", 400, "has not started yet"),
        ("period=2021-Q3&scope=Y60", 403, "Scope: region Y60 Midlands is outside your scope (region Y56 London)"),
        ("period=2021-Q3&scope=ENG", 403, "outside your scope"),
        ("period=2021-Q3&scope=NOPE", 400, "NOPE is not a scope"),
        ("period=2021-Q3&scope=Y56&geography=upside-down", 400, "not a geography mode"),
    ]:
        response = client.get(f"/admin/reports/?{query}")
        html = response.get_data(as_text=True)
        assert response.status_code == status, query
        assert message.replace("'", "&#39;") in html, query
        assert 'id="table-flow"' not in html and "RPT-" not in html, query
        download = client.get(f"/admin/reports/download/flow.csv?{query}")
        assert download.status_code == status and "Open at start" not in download.get_data(as_text=True)


def test_default_report_is_last_quarter_for_the_users_own_scope(client, reviews):
    sign_in(client, "dp_bassetlaw")
    html = client.get("/admin/reports/").get_data(as_text=True)
    last_quarter = last_complete(QUARTER, london_today(utcnow()))
    assert f"{last_quarter.label} · sub-ICB location 02Q" in html
    options = html.split('id="scope"')[1].split("</select>")[0]
    assert 'value="02Q"' in options and 'value="QT1"' not in options and 'value="Y60"' not in options
    html = client.get("/admin/reports/?period=2021-Q3&scope=02Q").get_data(as_text=True)
    assert figures(page_table(html, "flow")[1:], 0, slice(1, None))["Total"] == [1, 0, 0, 1]
    assert figures(page_table(html, "flow")[1:], 0, slice(1, None))["SAR"] == [1, 0, 0, 1]
    assert set(figures(page_table(html, "flow")[1:], 0, slice(1, None))) == set(TYPES)
