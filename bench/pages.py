"""Page scenarios measured through the app's test client (server-side time: routing, queries, templates)."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable

from bench.databases import ACCOUNTS, PASSWORD

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
_serial = itertools.count(1)


def signed_in_client(app, who: str):
    """A test client signed in as a benchmark account."""
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    response = client.post("/login", data={"email": ACCOUNTS[who][0], "password": PASSWORD,
                                           "csrf_token": CSRF.search(page).group(1)})
    assert response.status_code == 302, f"benchmark sign-in failed for {who}"
    return client


def _get(client, url: str) -> Callable[[], int]:
    def run() -> int:
        response = client.get(url)
        response.get_data()
        return response.status_code
    return run


def _create(client) -> Callable[[], int]:
    def run() -> int:
        page = client.get("/admin/review/new/").get_data(as_text=True)
        data = {"csrf_token": CSRF.search(page).group(1), "review_type": "DHR", "organisation_code": "02Q",
                "date_added": "2026-06-01", "incident_date": "2026-05-20", "dp_initials": "BM",
                "local_identifier": f"BENCH-NEW-{next(_serial):06d}", "theme_1": "CA_DOMESTIC",
                "overview": "Agencies had contact with the family in the year before the death."}
        return client.post("/admin/review/new/", data=data).status_code
    return run


def _edit(client, review_id: int) -> Callable[[], int]:
    version = re.compile(r'id="version" name="version" type="hidden" value="(\d+)"')

    def run() -> int:
        page = client.get(f"/admin/review/edit/?id={review_id}").get_data(as_text=True)
        data = {"csrf_token": CSRF.search(page).group(1), "version": version.search(page).group(1),
                "review_type": "DHR", "organisation_code": "02Q", "date_added": "2026-06-01",
                "incident_date": "2026-05-20", "dp_initials": "BM", "local_identifier": f"BENCH-EDIT-{review_id}",
                "theme_1": "CA_DOMESTIC", "overview": f"Edited {next(_serial)} times in the benchmark."}
        return client.post(f"/admin/review/edit/?id={review_id}", data=data).status_code
    return run


def page_scenarios(app, *, sample_review_id: int, sample_identifier: str, edit_review_id: int,
                   deep_page: int) -> dict[str, Callable]:
    """Name to callable for every page measured."""
    national = signed_in_client(app, "national")
    dp_sub = signed_in_client(app, "dp_sub_icb")
    return {
        "reviews list, default sort (national admin)": _get(national, "/admin/review/"),
        "reviews list, default sort (sub-ICB designated professional)": _get(dp_sub, "/admin/review/"),
        "reviews list, filtered: open DHRs (national admin)":
            _get(national, "/admin/review/?flt1_status_equals=open&flt2_type_of_review_equals=DHR"),
        "reviews list, filtered: any overdue clock (national admin)":
            _get(national, "/admin/review/?flt1_overdue_is_overdue=any"),
        "reviews list, filtered: open DHRs (sub-ICB designated professional)":
            _get(dp_sub, "/admin/review/?flt1_status_equals=open&flt2_type_of_review_equals=DHR"),
        "reviews list, last page of the count (national admin)": _get(national, f"/admin/review/?page={deep_page}"),
        "reviews list, identifier search (national admin)":
            _get(national, f"/admin/review/?search={sample_identifier}"),
        "review details": _get(national, f"/admin/review/details/?id={sample_review_id}"),
        "create save (form GET + POST)": _create(dp_sub),
        "edit save (form GET + POST)": _edit(dp_sub, edit_review_id),
        "dashboard (national admin)": _get(national, "/admin/"),
        "dashboard (sub-ICB designated professional)": _get(dp_sub, "/admin/"),
    }


def report_page_scenarios(app) -> dict[str, Callable]:
    """The report page (every table, rendered) for each report case, as a national admin."""
    from bench.report_cases import CASES

    national = signed_in_client(app, "national")
    return {f"report page, {label} (national admin)":
            _get(national, f"/admin/reports/?period={period}&scope={area}&geography=recorded")
            for label, period, area in CASES}
