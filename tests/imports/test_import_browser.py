"""In Debian's Chromium: a designated professional uploads a legacy spreadsheet, reads the dry-run report that
points at the bad cells, imports the good rows with one commit, uploads the corrected file and imports the
corrected row, sees the reviews; the same file again offers nothing to import."""

from __future__ import annotations

import io
import re
from datetime import datetime

import pytest
from openpyxl import Workbook

from tests.imports.helpers import counts
from tests.support.accounts import ACCOUNTS, PASSWORD
from tests.support.live import browser_page, live_server

pytestmark = pytest.mark.browser

HEADERS = ["CCG", "Review type", "Date added", "DP", "StEIS", "Local ref", "Theme 1", "Brief overview",
           "Media interest", "Latest update"]


def legacy_workbook(*, fixed: bool) -> bytes:
    """A former CCG's tracker: a title row, names and codes, date cells, Excel serials and typed dates."""
    rows = [
        ["North Central London", "SAR", datetime(2022, 3, 1), "ab", "", "NCL-LEG-01 ", "Neglect and acts of omission",
         "Agencies did not share information about escalating risk.", "N", "Chronology requested."],
        ["93C", "DHR", 44651, "CD", "2022/04411", "", "Domestic abuse", "A death following domestic abuse.", "Y", ""],
        ["93c ", "CSPR", "31/09/2022" if not fixed else "30/09/2022", "EF", "", "NCL-LEG-03",
         "Bullying" if not fixed else "WT_NEGLECT", "Serious harm to an infant.", "no", "Panel met."],
        ["NHS North Central London CCG", "Rapid Review", "03/11/2021", "GH", "", "NCL-LEG-04", "WT_PHYSICAL",
         "A young person came to serious harm.", "", ""],
    ]
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "NCL tracker"
    sheet.append(["North Central London CCG - case review tracker (kept until 2022)"])
    sheet.append([*HEADERS, "Notification date"])
    for row in rows:
        sheet.append([*row, "03/11/2021" if row[1] == "Rapid Review" else None])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def upload(page, base, path):
    page.goto(f"{base}/admin/import/")
    page.set_input_files("#file", str(path))
    page.click("#upload-button")
    page.wait_for_url(re.compile(r".*/admin/import/report/[A-Za-z0-9_-]+/$"))


def test_a_designated_professional_imports_a_legacy_spreadsheet(app, session, tmp_path):
    bad, good = tmp_path / "ncl-tracker.xlsx", tmp_path / "ncl-tracker-corrected.xlsx"
    bad.write_bytes(legacy_workbook(fixed=False))
    good.write_bytes(legacy_workbook(fixed=True))
    before = counts(session)
    with live_server(app) as base, browser_page() as page:
        page.goto(f"{base}/login")
        page.fill("input[name=email]", ACCOUNTS["dp_ncl"][0])
        page.fill("input[name=password]", PASSWORD)
        page.click("#submit")
        page.wait_for_url(re.compile(r".*/admin/$"))
        page.click("nav[aria-label=Menu] >> text=Import")
        page.wait_for_url(re.compile(r".*/admin/import/$"))

        upload(page, base, bad)
        page.screenshot(path=str(tmp_path / "1-dry-run.png"), full_page=True)
        problem_rows = page.locator("#problems tr.problem").all()
        cells = [[c.inner_text() for c in row.locator("td").all()] for row in problem_rows]
        assert cells == [
            ["4", "Theme 1", "text", "imported as said", "A name on more than one theme list: read from the Domestic "
             "Abuse Act list (a domestic homicide review)."],
            ["5", "Date added", "number or date text", "row not imported", "Not a real calendar date (dates are read "
             "day first, dd/mm/yyyy): expected a date such as 03/11/2021, 3 Nov 2021 or 2021-11-03 (day first)."],
            ["5", "Theme 1", "text", "row not imported", "Not on the managed theme list: expected a theme code (for "
                                                         "example CA_NEGLECT) or its label."]]
        assert [c.inner_text() for c in page.locator("#refused-rows td").all()] == [
            "5", "Correct Date added, Theme 1 as the problems say, then import the file again: the rows already "
                 "imported are left as they are."]
        assert page.locator("#count-create").inner_text() == "3" and page.locator("#count-refused").inner_text() == "1"
        page.click("#commit-button")  # one dry run, one commit: the three good rows go in
        page.wait_for_selector("#import-result")
        assert page.locator("#import-result").inner_text().startswith("Imported: 3 created, 0 updated, 0 unchanged")
        assert "1 row was not imported" in page.locator("#import-result").inner_text()

        upload(page, base, good)  # the corrected file: only the corrected row is new
        assert [page.locator(f"#count-{k}").inner_text() for k in ("create", "update", "unchanged", "refused")] == [
            "1", "0", "3", "0"]
        assert [r.inner_text() for r in page.locator("#remapped td:nth-child(3)").all()] == [
            "April 2021 CCG name: NHS North Central London CCG"]
        page.click("#commit-button")
        page.wait_for_selector("#import-result")
        page.screenshot(path=str(tmp_path / "2-imported.png"), full_page=True)
        assert page.locator("#import-result").inner_text().startswith("Imported: 1 created, 0 updated, 3 unchanged")
        page.click("#see-reviews")
        page.wait_for_url(re.compile(r".*/admin/review/.*"))
        listing = page.locator("table.model-list").inner_text()
        for identifier in ("NCL-LEG-01", "2022/04411", "NCL-LEG-03", "NCL-LEG-04"):
            assert identifier in listing
        page.screenshot(path=str(tmp_path / "3-list.png"), full_page=True)

        upload(page, base, good)
        assert [page.locator(f"#count-{k}").inner_text() for k in ("create", "update", "unchanged")] == ["0", "0", "4"]
        assert page.locator("#commit-button").count() == 0
        assert "no row of this file would change the tracker" in page.locator("#not-ready").inner_text()
    assert counts(session) == (before[0] + 4, before[1] + 2)
