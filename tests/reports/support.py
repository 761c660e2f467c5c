"""Helpers of the reporting tests: run a report as someone, and read its tables as plain dictionaries."""

from __future__ import annotations

import html
import io
import re
from datetime import date

from openpyxl import load_workbook

from app.orgs.scope import scope_for_code
from app.people.actor import system_actor
from app.reports.request import prepare_request
from app.reports.service import build_report
from app.reports.tables import Report
from config.clocks import CLOCKS
from config.reports import REPORTS
from tests.support.reviews import NOW

TODAY = date(2026, 11, 25)
TYPES = ["SAR", "SAR (discretionary)", "DHR", "DHR (child)", "CSPR", "Rapid Review", "Other", "Total"]


def run(session, *, period: str, scope: str, geography: str = "recorded", as_scope: str = "ENG") -> Report:
    """The report for a period and area, asked for by a national-admin system actor scoped to `as_scope`."""
    actor = system_actor(scope_for_code(session, as_scope), name="report-test")
    request = prepare_request(session, actor=actor, period=period, scope_code=scope, geography=geography,
                              today=TODAY)
    return build_report(session, request, clocks=CLOCKS, settings=REPORTS, now=NOW)


def flow(report: Report, key: str = "flow", *, reopened: bool = False) -> dict[str, tuple]:
    """{first cell: (open at start, opened, closed, open at end)} of the flow table (or the areas table); with
    `reopened`, (open at start, opened, reopened, closed, open at end). Without it, no row may have a reopening."""
    out = {}
    for row in report[key].rows:
        start, opened, again, closed, end = row[-5:]
        assert reopened or again == 0, f"{row[0]} has {again} reopenings"
        out[row[0]] = (start, opened, again, closed, end) if reopened else (start, opened, closed, end)
    return out


def expand(partial: dict[str, tuple]) -> dict[str, tuple]:
    """A by-type flow with the types not named set to zeros."""
    return {t: partial.get(t, (0, 0, 0, 0)) for t in TYPES}


def measures(report: Report, key: str) -> dict[str, object]:
    """{measure: value} of a two-column table."""
    return {row[0]: row[1] for row in report[key].rows}


# --- reading the same figures back from a page, a CSV file and an XLSX file

_ROW = re.compile(r"<tr[^>]*>(.*?)</tr>", re.S)
_CELL = re.compile(r"<t[dh][^>]*>(.*?)</t[dh]>", re.S)
_TAG = re.compile(r"<[^>]+>")


def page_table(page: str, key: str) -> list[list[str]]:
    """The rows (header first) of the report table with id table-<key> on a page, as cell texts."""
    match = re.search(rf'<table[^>]*id="table-{key}"[^>]*>(.*?)</table>', page, re.S)
    assert match, f"no table {key} on the page"
    rows = []
    for row in _ROW.findall(match.group(1)):
        rows.append([" ".join(html.unescape(_TAG.sub(" ", c)).split()) for c in _CELL.findall(row)])
    return rows


def number(text: str):
    """A figure as shown on a page, in a CSV or in a sheet, as a Python number (None for a blank)."""
    if text in (None, "", "—", "-"):
        return None
    if isinstance(text, int | float):
        return text
    cleaned = str(text).replace(",", "")
    return float(cleaned) if "." in cleaned else int(cleaned)


def xlsx_sheets(data: bytes) -> dict[str, list[list]]:
    """Every sheet of an XLSX file as lists of cell values."""
    workbook = load_workbook(io.BytesIO(data), read_only=True)
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in workbook.worksheets}


def sheet_table(rows: list[list]) -> tuple[dict, list, list[list]]:
    """A report sheet read back: (preamble dict, header row, data rows); the preamble ends at a blank row."""
    blank = next(i for i, r in enumerate(rows) if not any(v is not None for v in r))
    preamble = {r[0]: r[1] for r in rows[1:blank] if r and r[0]}
    return preamble, rows[blank + 1], [r for r in rows[blank + 2:] if any(v is not None for v in r)]
