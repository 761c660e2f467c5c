"""The access matrix: every admin endpoint x every role x a record outside the user's scope.

The answer is 403 or 404 (or, for lists and exports, the record is simply absent) and the database is
unchanged. Write endpoints are refused (403) for viewers and regional leads even on records in scope.
The endpoint list comes from the app's URL map: a new admin route without a rule here fails the test.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import text

from app.orgs.models import Partnership
from tests.support.accounts import ACCOUNTS
from tests.support.reviews import make_review
from tests.support.web import csrf_token, review_listed, sign_in

REVIEW_TABLES = ("review", "review_theme", "review_update", "recommendation_action", "app_user", "partnership",
                 "theme")


@dataclass(frozen=True)
class Call:
    """How to call one endpoint about one record."""

    method: str
    url: str
    data: dict | None = None


def review_calls(rid: int, identifier: str) -> dict[str, list[Call]]:
    """Every review endpoint, called about review `rid`."""
    form = {"id": str(rid), "version": "1", "text": "An update", "reason": "because", "until": "2027-01-10",
            "outcome": "CSPR", "decision_date": "2026-11-20"}
    return {
        "review.index_view": [Call("GET", f"/admin/review/?search={identifier}"), Call("GET", "/admin/review/")],
        "review.details_view": [Call("GET", f"/admin/review/details/?id={rid}")],
        "review.edit_view": [Call("GET", f"/admin/review/edit/?id={rid}"),
                             Call("POST", f"/admin/review/edit/?id={rid}",
                                  {"review_type": "DHR", "organisation_code": "93C", "date_added": "2025-06-02",
                                   "dp_initials": "ZZ", "local_identifier": "HIJACK-1", "theme_1": "CA_NEGLECT",
                                   "version": "1"})],
        "review.create_view": [Call("POST", "/admin/review/new/",
                                    {"review_type": "DHR", "organisation_code": "@ORG@", "date_added": "2025-06-02",
                                     "dp_initials": "ZZ", "local_identifier": "SMUGGLED-1", "theme_1": "CA_NEGLECT"})],
        "review.delete_view": [Call("POST", "/admin/review/delete/", {"id": str(rid)})],
        "review.action_view": [Call("POST", "/admin/review/action/", {"action": "delete", "rowid": str(rid)})],
        "review.export": [Call("GET", f"/admin/review/export/csv/?search={identifier}"),
                          Call("GET", f"/admin/review/export/xlsx/?search={identifier}")],
        "review.ajax_lookup": [Call("GET", "/admin/review/ajax/lookup/?name=organisation&query=a")],
        "review.ajax_update": [Call("POST", "/admin/review/ajax/update/",
                                    {"list_form_pk": str(rid), "dp_initials": "ZZ"})],
        "review.add_update_view": [Call("POST", "/admin/review/update/", form)],
        "review.decide_view": [Call("POST", "/admin/review/decide/", form)],
        "review.link_view": [Call("POST", "/admin/review/link/", {**form, "linked_review_id": str(rid),
                                                                  "reason": "joint"})],
        "review.unlink_view": [Call("POST", "/admin/review/unlink/", {**form, "linked_review_id": str(rid)})],
        "review.close_view": [Call("POST", "/admin/review/close/", form)],
        "review.reopen_view": [Call("POST", "/admin/review/reopen/", form)],
        "review.snooze_view": [Call("POST", "/admin/review/snooze/", form)],
        "review.add_recommendation_view": [Call("POST", "/admin/review/recommendation/",
                                                {**form, "recommendation": "Share records", "owner_organisation": "ICB",
                                                 "status": "not started"})],
        "review.update_recommendation_view": [Call("POST", "/admin/review/recommendation/update/",
                                                   {**form, "action_id": "1", "status": "completed"})],
        # the To complete worklist (tests/imports/test_worklist.py fills it): never another scope's review
        "to_complete.index": [Call("GET", f"/admin/to-complete/?review={rid}&q={identifier}")],
    }


# Admin endpoints that are not about one review: each must refuse or ignore roles without the permission.
NATIONAL_ONLY_PREFIXES = ("users.", "audit.", "partnership.", "theme.", "region.", "icb.", "location.",
                          "mailcatcher.", "outbox.")
# Every signed-in user, about themselves only (tests/notifications/test_admin_screens.py checks it changes nobody else);
# admin.chart draws the dashboard's charts for the user's own scope only.
ALWAYS_ALLOWED = {"admin.index", "admin.static", "admin.chart", "profile.index", "profile.digests", "profile.static"}
# Reports: every role may read them within its scope; the report's area must lie inside the user's scope.
REPORT_ENDPOINTS = {"reports.index", "reports.download", "reports.chart", "reports.extract"}
# Period returns: seen within the user's scope, signed off by national admins (tests/reports/test_returns.py).
RETURN_ENDPOINTS = {"returns.index", "returns.details", "returns.extract", "returns.sign_off"}
# The import pages: designated professionals (their scope) and national admins (any); everyone else 403.
IMPORT_ENDPOINTS = {"imports.index", "imports.upload", "imports.report", "imports.report_csv", "imports.commit",
                    "imports.template_csv", "imports.template_xlsx"}


def snapshot(session) -> dict:
    """Every row of the tables an admin screen could change."""
    session.expire_all()
    return {t: session.execute(text(f"SELECT * FROM {t} ORDER BY 1")).all() for t in REVIEW_TABLES}  # noqa: S608


def _send(client, call: Call, org: str):
    if call.method == "GET":
        return client.get(call.url)
    token = csrf_token(client.get("/admin/").get_data(as_text=True))
    data = {k: (org if v == "@ORG@" else v) for k, v in (call.data or {}).items()}
    return client.post(call.url, data={**data, "csrf_token": token})


@pytest.fixture
def records(session):
    """One review in London (93C, NCL) and one in the Midlands (52R, Nottingham), plus one rapid review each."""
    london = make_review(session, organisation_code="93C", local_identifier="LDN-MATRIX-1")
    midlands = make_review(session, organisation_code="52R", local_identifier="MID-MATRIX-1")
    london_rr = make_review(session, organisation_code="93C", local_identifier="LDN-RR-1", review_type="RAPID",
                            notification_date=date(2025, 6, 1))
    midlands_rr = make_review(session, organisation_code="52R", local_identifier="MID-RR-1", review_type="RAPID",
                              notification_date=date(2025, 6, 1))
    return {"london": [london, london_rr], "midlands": [midlands, midlands_rr]}


OUT_OF_SCOPE = {
    "lead_london": "midlands", "dp_ncl": "midlands", "dp_bassetlaw": "midlands",  # 52R is QT1 but not 02Q
    "lead_midlands": "london", "dp_notts": "london", "viewer_midlands": "london",
}
IN_SCOPE_ORG = {"lead_london": "93C", "dp_ncl": "93C", "dp_bassetlaw": "02Q", "lead_midlands": "52R",
                "dp_notts": "52R", "viewer_midlands": "52R"}


def test_every_admin_route_has_a_rule(app):
    """A new admin route must be added to this matrix (or to the national-only list)."""
    known = set(review_calls(1, "x")) | ALWAYS_ALLOWED | REPORT_ENDPOINTS | RETURN_ENDPOINTS | IMPORT_ENDPOINTS
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/admin/"):
            continue
        assert rule.endpoint in known or rule.endpoint.startswith(NATIONAL_ONLY_PREFIXES), (
            f"{rule.endpoint} ({rule.rule}) has no access rule in the matrix"
        )


@pytest.mark.parametrize("who", sorted(OUT_OF_SCOPE))
def test_out_of_scope_review_is_invisible_and_untouchable(client, session, records, who):
    sign_in(client, who)
    before = snapshot(session)
    for review in records[OUT_OF_SCOPE[who]]:
        identifier = review.local_identifier
        for endpoint, calls in review_calls(review.id, identifier).items():
            for call in calls:
                response = _send(client, call, org=review.organisation_code)
                body = response.get_data(as_text=True) if response.mimetype != "application/vnd.openxmlformats-" \
                    "officedocument.spreadsheetml.sheet" else ""
                if endpoint == "to_complete.index":
                    assert response.status_code == 200, (who, call)
                    assert identifier not in body and f"id={review.id}\"" not in body, (who, call)
                elif endpoint == "review.index_view":
                    assert response.status_code in (200, 403), (who, call)
                    assert not review_listed(body, review.id), f"{who} saw review {review.id} via {call.url}"
                elif endpoint == "review.export":
                    assert response.status_code in (200, 403), (who, call)
                    assert identifier not in body, f"{who} saw {identifier} via {call.url}"
                    if response.mimetype.endswith("sheet"):
                        assert identifier.encode() not in _xlsx_text(response.data), (who, call)
                elif endpoint == "review.create_view":
                    assert response.status_code in (200, 403), (who, call, response.status_code)
                else:
                    assert response.status_code in (403, 404), (who, endpoint, call, response.status_code)
    assert snapshot(session) == before, f"{who} changed the database"


def _xlsx_text(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return b"".join(z.read(n) for n in z.namelist() if n.endswith(".xml"))


@pytest.mark.parametrize("who", ["lead_london", "lead_midlands", "viewer_midlands", "viewer_national"])
def test_readers_cannot_write_even_in_scope(client, session, records, who):
    sign_in(client, who)
    in_scope = records["midlands" if who in ("lead_midlands", "viewer_midlands") else "london"]
    before = snapshot(session)
    for review in in_scope:
        calls = review_calls(review.id, review.local_identifier)
        for endpoint in ("review.edit_view", "review.create_view", "review.delete_view", "review.action_view",
                         "review.ajax_update", "review.decide_view", "review.close_view", "review.reopen_view",
                         "review.snooze_view", "review.add_recommendation_view",
                         "review.update_recommendation_view"):
            for call in calls[endpoint]:
                if call.method == "GET" and endpoint != "review.edit_view":
                    continue
                response = _send(client, call, org=review.organisation_code)
                assert response.status_code == 403, (who, endpoint, call.method, response.status_code)
    assert snapshot(session) == before


@pytest.mark.parametrize("who", sorted(IN_SCOPE_ORG))
def test_list_count_and_rows_are_cut_to_scope(client, session, records, who):
    sign_in(client, who)
    html = client.get("/admin/review/").get_data(as_text=True)
    visible = {r.local_identifier for rs in records.values() for r in rs if r.local_identifier in html}
    expected = {r.local_identifier for r in records[{"midlands": "london", "london": "midlands"}[OUT_OF_SCOPE[who]]]}
    if who == "dp_bassetlaw":
        expected = set()  # none of the fixtures is in 02Q
    assert visible == expected
    count = re.search(r'id="list-count">(\d+) found', html)
    assert (int(count.group(1)) if count else 0) == len(expected)


@pytest.mark.parametrize("who", sorted(set(ACCOUNTS) - {"national"}))
def test_national_only_screens_refuse_everyone_else(client, app, who):
    sign_in(client, who)
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith(NATIONAL_ONLY_PREFIXES) and "GET" in rule.methods and "<" not in rule.rule:
            assert client.get(rule.rule).status_code == 403, (who, rule.rule)


def test_signed_out_user_is_sent_to_sign_in(client, app):
    for url in ("/admin/", "/admin/review/", "/admin/review/details/?id=1", "/admin/users/", "/admin/reports/",
                "/admin/chart/trend.svg", "/admin/reports/extract.csv?period=FY2025&scope=ENG"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url


def test_drop_downs_are_cut_to_scope(client, session, records):
    session.add_all([Partnership(name="Camden Test Board", kind="SAB", icb_code="QMJ"),
                     Partnership(name="Nottingham Test Board", kind="SAB", icb_code="QT1")])
    session.commit()
    sign_in(client, "dp_notts")
    html = client.get("/admin/review/new/?review_type=DHR").get_data(as_text=True)
    options = set(re.findall(r'<option[^>]*value="([0-9A-Z]{3,5})"', html))
    assert "52R" in options and "02Q" in options
    assert "93C" not in options
    assert "Nottingham Test Board" in html and "Camden Test Board" not in html
    listing = client.get("/admin/review/").get_data(as_text=True)
    assert "North Central London" not in listing.split('id="filter_form"')[1].split("</form>")[0]


def report_calls(period: str, scope: str) -> list[str]:
    """Every report endpoint for one period and area."""
    q = f"period={period}&scope={scope}&geography=recorded"
    return [f"/admin/reports/?{q}", f"/admin/reports/download/flow.csv?{q}", f"/admin/reports/download/all.xlsx?{q}",
            f"/admin/reports/chart/flow.svg?{q}", f"/admin/reports/chart/trend.png?{q}&download=1",
            f"/admin/reports/extract.csv?{q}", f"/admin/reports/extract.xlsx?{q}",
            f"/admin/reports/?{q.replace('recorded', 'current')}"]


# An area outside each user's scope (today's tree), and one inside it.
REPORT_OUTSIDE = {
    "lead_london": ["ENG", "Y60", "QT1", "52R"], "dp_ncl": ["ENG", "Y56", "QKK", "52R"],
    "dp_bassetlaw": ["ENG", "Y60", "QT1", "52R"], "lead_midlands": ["ENG", "Y56", "QMJ", "93C"],
    "dp_notts": ["ENG", "Y60", "93C"], "viewer_midlands": ["ENG", "Y63", "QMJ", "93C"],
}
REPORT_INSIDE = {"lead_london": "Y56", "dp_ncl": "QMJ", "dp_bassetlaw": "02Q", "lead_midlands": "Y60",
                 "dp_notts": "QT1", "viewer_midlands": "52R", "viewer_national": "ENG", "national": "Y63"}


@pytest.mark.parametrize("who", sorted(REPORT_OUTSIDE))
def test_a_report_never_reaches_outside_the_users_scope(client, session, records, who):
    sign_in(client, who)
    before = snapshot(session)
    audit_before = session.execute(text("SELECT count(*) FROM audit_event")).scalar()
    for code in REPORT_OUTSIDE[who]:
        for url in report_calls("FY2025", code):
            response = client.get(url)
            assert response.status_code == 403, (who, url, response.status_code)
            body = response.get_data(as_text=True)
            assert "outside your scope" in body and "MATRIX" not in body and "Open at start" not in body, (who, url)
    session.expire_all()
    assert snapshot(session) == before
    assert session.execute(text("SELECT count(*) FROM audit_event")).scalar() == audit_before  # nothing downloaded


@pytest.mark.parametrize("who", sorted(REPORT_INSIDE))
def test_every_role_reads_reports_within_its_scope(client, session, records, who):
    sign_in(client, who)
    for url in report_calls("FY2025", REPORT_INSIDE[who]):
        response = client.get(url)
        assert response.status_code == 200, (who, url, response.status_code)
    extract = client.get(f"/admin/reports/extract.csv?period=FY2025&scope={REPORT_INSIDE[who]}").get_data(as_text=True)
    visible = {r.local_identifier for rs in records.values() for r in rs if r.local_identifier in extract}
    region = {"Y56": "london", "QMJ": "london", "Y60": "midlands", "QT1": "midlands", "52R": "midlands"}
    expected = {r.local_identifier for r in records[region[REPORT_INSIDE[who]]]} if REPORT_INSIDE[who] in region \
        else ({r.local_identifier for rs in records.values() for r in rs} if who == "viewer_national" else set())
    assert visible == expected, who


def test_report_scope_drop_down_is_cut_to_the_users_scope(client, records):
    sign_in(client, "dp_notts")
    html = client.get("/admin/reports/").get_data(as_text=True)
    options = set(re.findall(r'<option value="([0-9A-Z]{2,5})"', html.split('id="scope"')[1].split("</select>")[0]))
    assert options == {"QT1", "52R", "02Q"}


# ------------------------------------------------------------------ import pages
IMPORT_HEAD = "CCG,Type of review,Date added,DP,Local ref,Theme 1\n"


def _import_file(org: str, local: str) -> bytes:
    return (IMPORT_HEAD + f"{org},SAR,03/11/2021,AB,{local},CA_NEGLECT\n").encode()


def _upload(client, data: bytes):
    token = csrf_token(client.get("/admin/").get_data(as_text=True))
    return client.post("/admin/import/upload/", data={"file": (io.BytesIO(data), "t.csv"), "csrf_token": token},
                       content_type="multipart/form-data")


@pytest.mark.parametrize("who", ["lead_london", "lead_midlands", "viewer_midlands", "viewer_national"])
def test_import_pages_refuse_readers(client, session, records, app, who):
    sign_in(client, who)
    before = snapshot(session)
    for rule in app.url_map.iter_rules():
        if rule.endpoint in IMPORT_ENDPOINTS and "GET" in rule.methods:
            url = rule.rule.replace("<upload_id>", "abcdefghijklmnopqrstuvwxyz")
            assert client.get(url).status_code == 403, (who, url)
    assert _upload(client, _import_file(IN_SCOPE_ORG.get(who, "93C"), "RD-1")).status_code \
        == 403
    token = csrf_token(client.get("/admin/").get_data(as_text=True))
    assert client.post("/admin/import/commit/abcdefghijklmnopqrstuvwxyz/",
                       data={"csrf_token": token}).status_code == 403
    assert snapshot(session) == before


@pytest.mark.parametrize("who", ["dp_ncl", "dp_notts", "dp_bassetlaw"])
def test_designated_professionals_cannot_import_rows_outside_their_scope(client, session, records, who):
    sign_in(client, who)
    outside = {"dp_ncl": "52R", "dp_notts": "93C", "dp_bassetlaw": "52R"}[who]
    before = snapshot(session)
    data = _import_file(IN_SCOPE_ORG[who], "IN-SCOPE-1") + f"{outside},SAR,03/11/2021,AB,OUT-1,CA_NEGLECT\n".encode()
    report = _upload(client, data).headers["Location"]
    page = client.get(report).get_data(as_text=True)
    # the row outside the scope is refused on its row; the one inside may be imported, the other never is
    assert "Organisation is outside your scope" in page and 'id="commit-button"' in page
    token = csrf_token(page)
    assert client.post(report.replace("/report/", "/commit/"), data={"csrf_token": token}).status_code == 302
    session.expire_all()
    assert session.execute(text("SELECT organisation_code FROM review WHERE local_identifier IN "
                                "('IN-SCOPE-1', 'OUT-1')")).scalars().all() == [IN_SCOPE_ORG[who]]
    session.execute(text("DELETE FROM review_theme WHERE review_id IN (SELECT id FROM review WHERE local_identifier = "
                         "'IN-SCOPE-1')"))
    session.execute(text("DELETE FROM review WHERE local_identifier = 'IN-SCOPE-1'"))
    session.commit()
    assert snapshot(session) == before  # nothing of the other scope's organisation changed
    # an upload of a review that exists in another organisation reveals nothing about it
    hidden = records["midlands" if outside == "52R" else "london"][0]
    page = client.get(_upload(client, _import_file(outside, hidden.local_identifier)).headers["Location"])
    assert f"#{hidden.id}" not in page.get_data(as_text=True) and "already used" not in page.get_data(as_text=True)


def test_national_admins_import_for_any_organisation(client, session, records):
    sign_in(client, "national")
    report = _upload(client, _import_file("52R", "NAT-1") + b"93C,SAR,03/11/2021,AB,NAT-2,CA_NEGLECT\n")
    page = client.get(report.headers["Location"])
    token = csrf_token(page.get_data(as_text=True))
    client.post(report.headers["Location"].replace("/report/", "/commit/"), data={"csrf_token": token})
    session.expire_all()
    assert session.execute(text("SELECT count(*) FROM review WHERE local_identifier IN ('NAT-1', 'NAT-2')")).scalar() \
        == 2
