"""The NHS front door as a user meets it: the review form's steps, refused saves that keep what was typed, the
review page's actions with their reasons, users created with the least privilege, labels instead of codes,
sortable columns, the two-factor page, the report period chooser and the error pages."""

import csv
import io
import re
from datetime import date

from flask import abort
from sqlalchemy import func, select

from app.people.models import User
from app.reviews.models import Review, ReviewUpdate
from tests.support.reviews import make_review
from tests.support.web import csrf_token, page_token, review_listed, sign_in


def _html(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.get_data(as_text=True)


def test_creating_a_review_asks_the_type_first_then_only_what_that_type_needs(client):
    sign_in(client, "dp_ncl")
    step_one = _html(client, "/admin/review/new/")
    assert "What type of review is it?" in step_one and step_one.count('name="review_type" type="radio"') == 7
    assert "Choose the type of review." in _html(client, "/admin/review/new/?continue=1")
    dhr = _html(client, "/admin/review/new/?review_type=DHR")
    assert re.search(r'id="group-notification_date"[^>]*hidden', dhr)  # rapid reviews only
    assert re.search(r'id="group-type_other_description"[^>]*hidden', dhr)  # type Other only
    assert "Date added <span class=\"tracker-required\">(required)</span>" in dhr
    rapid = _html(client, "/admin/review/new/?review_type=RAPID")
    assert not re.search(r'id="group-notification_date"[^>]*hidden', rapid)
    assert "Notification date <span class=\"tracker-required\">(required)</span>" in rapid
    assert re.search(r'<fieldset[^>]*data-types="[^"]*"[^>]*hidden>\s*<legend[^>]*><h2[^>]*>Sign-off', rapid)


def test_creating_folds_away_what_is_usually_added_later_unless_it_was_filled_in(client, session):
    sign_in(client, "dp_ncl")
    dhr = _html(client, "/admin/review/new/?review_type=DHR")
    folded = re.findall(r'<details class="nhsuk-details tracker-later-section"[^>]*>(.*?)</details>', dhr, re.S)
    assert len(folded) == 2 and 'id="signed_off_date"' in folded[0] and 'id="learning_1"' in folded[1]
    url = "/admin/review/new/?review_type=DHR"
    refused = client.post(url, data={"csrf_token": page_token(client, url), "review_type": "DHR",
                                     "signed_off_date": "2026-11-30", "local_identifier": "FOLD-1"})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 200 and 'value="2026-11-30"' in html
    later = re.findall(r'<details class="nhsuk-details tracker-later-section"[^>]*>(.*?)</details>', html, re.S)
    assert len(later) == 1 and 'id="learning_1"' in later[0]  # the sign-off section holds a value: shown open
    review = make_review(session)
    edit = _html(client, f"/admin/review/edit/?id={review.id}")
    assert "tracker-later-section" not in edit and 'id="signed_off_date"' in edit  # editing: nothing folded


def test_a_refused_save_lists_every_error_linked_to_its_field_and_keeps_the_input(client, session):
    sign_in(client, "dp_ncl")
    url = "/admin/review/new/?review_type=DHR"
    response = client.post(url, data={"csrf_token": page_token(client, url), "review_type": "DHR",
                                      "local_identifier": "KEEP-ME-1", "overview": "Typed before the refusal.",
                                      "dp_initials": "Jonathan"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    summary = re.search(r'<div class="nhsuk-error-summary"[^>]*autofocus.*?</ul>', html, re.S).group(0)
    for anchor in ("#organisation_code", "#date_added", "#dp_initials", "#theme_1"):
        assert f'href="{anchor}"' in summary, anchor
    assert 'value="KEEP-ME-1"' in html and "Typed before the refusal." in html and 'value="Jonathan"' in html
    assert session.scalar(select(func.count(Review.id)).where(Review.local_identifier == "KEEP-ME-1")) == 0


def test_a_refused_timeline_update_keeps_the_text(client, session):
    review = make_review(session)
    sign_in(client, "dp_ncl")
    token = page_token(client, f"/admin/review/details/?id={review.id}")
    text = "Spoke to Jonathan Smith about the chronology."  # a name: the guard refuses it
    response = client.post("/admin/review/update/", data={"id": review.id, "version": review.version,
                                                          "csrf_token": token, "text": text, "entry_date": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f">{text}</textarea>" in html
    assert 'href="#update-text"' in html and "nhsuk-error-summary" in html
    assert session.scalar(select(func.count(ReviewUpdate.id)).where(ReviewUpdate.review_id == review.id)) == 0


def test_the_review_page_says_why_an_action_is_not_allowed(client, session):
    open_review = make_review(session)
    rapid = make_review(session, review_type="RAPID", notification_date=date(2026, 11, 20),
                        date_added=date(2026, 11, 20), incident_date=None)
    closed = make_review(session, review_type="DHR", signed_off_date=date(2025, 12, 1), publication_status="public",
                         publication_date=date(2026, 1, 15))
    sign_in(client, "dp_ncl")
    page = _html(client, f"/admin/review/details/?id={open_review.id}")
    missing = re.search(r'id="close-not-allowed">(.*?)</ul>', page, re.S).group(1)
    assert "Date report signed off is missing." in missing and "Public / embargoed is not recorded" in missing
    assert 'id="add-sign-off"' in page and 'id="snooze-form"' in page
    assert 'id="decide-form"' in _html(client, f"/admin/review/details/?id={rapid.id}")
    page = _html(client, f"/admin/review/details/?id={closed.id}")
    assert closed.status == "closed"
    assert "Only a national admin can reopen a review" in page
    assert "Reminders are snoozed only while a review is open" in page
    client.post("/logout", data={"csrf_token": csrf_token(page)})
    sign_in(client, "viewer_national")
    page = _html(client, f"/admin/review/details/?id={open_review.id}")
    assert "Your role cannot close reviews." in page and "Your role cannot snooze reminders." in page


def test_a_new_user_needs_a_chosen_role_and_scope_and_lists_show_labels(client, session):
    sign_in(client, "national")
    form = _html(client, "/admin/users/new/")
    role = re.search(r'<select[^>]*name="role".*?</select>', form, re.S).group(0)
    assert re.search(r'<option selected value="">Choose a role</option>', role), role
    assert role.index("Viewer") < role.index("National admin")  # least privilege first
    before = session.scalar(select(func.count(User.id)))
    response = client.post("/admin/users/new/", data={"csrf_token": csrf_token(form), "email": "half@example.com",
                                                      "role": "", "scope_code": ""})
    html = response.get_data(as_text=True)
    assert "Choose the user&#39;s role." in html and "Choose the part of the organisation tree" in html
    assert session.scalar(select(func.count(User.id))) == before
    listing = _html(client, "/admin/users/")
    assert "National admin" in listing and "Designated professional" in listing
    for code in (">national_admin<", ">designated_professional<", ">True<", ">False<"):
        assert code not in listing, code
    assert not re.search(r"\d{2}:\d{2}:\d{2}\.\d+", listing)  # no microseconds
    assert "Region: London (Y56)" in listing and "England (national)" in listing  # scopes by name, not bare codes


def test_the_history_shows_labels_not_codes(client, session):
    review = make_review(session, themes=["CA_NEGLECT"])
    sign_in(client, "dp_ncl")
    history = _html(client, f"/admin/review/details/?id={review.id}").split('id="history"')[1]
    assert "CA_NEGLECT" not in history.replace('data-action="', "")
    assert "['" not in history and "SAR_MANDATORY" not in history and ">False<" not in history
    assert "Safeguarding Adult Review (mandatory" in history


def test_latest_update_and_organisation_sort_the_list(client, session):
    first = make_review(session, local_identifier="SORT-A", organisation_code="93C")
    second = make_review(session, local_identifier="SORT-B", organisation_code="52R")
    sign_in(client, "national")
    page = _html(client, "/admin/review/")
    headers = re.findall(r'<th[^>]*aria-sort="[^"]*"[^>]*>\s*<a[^>]*>([^<]+)', page)
    assert "Latest update" in headers and "Organisation" in headers
    columns = [c.strip() for c in re.findall(r'<th class="nhsuk-table__header column-header[^>]*>\s*(?:<a[^>]*>)?'
                                             r'([^<]+)', page)]
    by_org = _html(client, f"/admin/review/?sort={columns.index('Organisation')}&search=SORT-")
    assert by_org.index("SORT-B") < by_org.index("SORT-A")  # 52R before 93C
    by_org_desc = _html(client, f"/admin/review/?sort={columns.index('Organisation')}&desc=1&search=SORT-")
    assert by_org_desc.index("SORT-A") < by_org_desc.index("SORT-B")
    assert review_listed(_html(client, f"/admin/review/?sort={columns.index('Latest update')}&desc=1"), first.id)
    assert second.id


def test_the_two_factor_page_has_one_button_and_no_method_choice(client):
    sign_in(client, "dp_ncl")
    page = _html(client, "/tf-setup")
    assert "generated via" not in page and 'type="radio"' not in page
    form = re.search(r'<form[^>]*name="two_factor_setup_form".*?</form>', page, re.S).group(0)
    assert form.count('type="submit"') == 1
    step_two = client.post("/tf-setup", data={"setup": "authenticator", "csrf_token": csrf_token(page)})
    html = step_two.get_data(as_text=True).split('id="maincontent"')[1]  # the header's Sign out aside
    assert html.count('type="submit"') == 1 and 'id="qrcode"' in html and "generated via" not in html


def test_the_report_period_is_chosen_by_kind_not_from_a_long_list(client):
    sign_in(client, "lead_london")
    page = _html(client, "/admin/reports/?period_kind=month&month=11&month_year=2026&scope=Y56")
    assert "November 2026 · region Y56 London" in page
    assert max(len(re.findall(r"<option", s)) for s in re.findall(r"<select.*?</select>", page, re.S)) <= 40
    assert "Q2 2026/27 · " in _html(client, "/admin/reports/?period_kind=quarter&quarter_fy=2026&quarter=2&scope=Y56")
    assert "Financial year 2025/26" in _html(client, "/admin/reports/?period_kind=year&year_fy=2025&scope=Y56")
    assert "is not a period" in _html(client, "/admin/reports/?period_kind=month&month=x&month_year=2026", 400)


def test_error_pages_are_nhs_pages(client):
    sign_in(client, "dp_ncl")
    missing = _html(client, "/admin/review/details/?id=987654321", 404)
    assert "Page not found" in missing and 'lang="en"' in missing and "nhsuk-header" in missing
    refused = _html(client, "/admin/users/", 403)
    assert "You do not have access to this page" in refused and "designated professional" in refused


def test_an_expired_form_a_wrong_method_and_a_server_error_are_nhs_pages(app, client):
    app.add_url_rule("/test-server-error", "test_server_error", lambda: abort(500))
    sign_in(client, "dp_ncl")
    expired = client.post("/admin/review/link/", data={"id": "1", "linked_review_id": "2"})
    page = expired.get_data(as_text=True)
    assert expired.status_code == 400 and "The form could not be used" in page and "Nothing was saved" in page
    assert "nhsuk-header" in page and "CSRF" not in page
    wrong = client.put("/admin/review/")
    assert wrong.status_code == 405 and "This page cannot be used that way" in wrong.get_data(as_text=True)
    failed = client.get("/test-server-error")
    assert failed.status_code == 500 and "Sorry, there is a problem with the service" in failed.get_data(as_text=True)


def test_the_export_writes_labels_not_codes(client, session):
    make_review(session, local_identifier="EXP-LABELS-1", themes=["TH_SUICIDE", "CA_NEGLECT"])
    sign_in(client, "dp_ncl")
    text = client.get("/admin/review/export/csv/?search=EXP-LABELS-1").get_data(as_text=True)
    row = next(r for r in csv.DictReader(io.StringIO(text.lstrip("\ufeff"))) if r["Local identifier"] == "EXP-LABELS-1")
    assert (row["Theme 1"], row["Theme 2"], row["Theme 3"]) == ("Suicide", "Neglect and acts of omission", "")
    assert row["Type of review"].startswith("Safeguarding Adult Review") and row["Status"] == "Open"
    assert row["Media interest"] in ("Yes", "No")
    for code in ("TH_SUICIDE", "CA_NEGLECT", "SAR_MANDATORY", "['", "False", "True"):
        assert code not in text, code


def test_the_review_page_names_the_rapid_review_decision_not_its_code(client, session):
    rapid = make_review(session, review_type="RAPID", local_identifier="RR-LABEL-1", incident_date=None,
                        date_added=date(2026, 11, 20), notification_date=date(2026, 11, 20))
    sign_in(client, "dp_ncl")
    url = f"/admin/review/details/?id={rapid.id}"
    client.post("/admin/review/decide/", data={"csrf_token": page_token(client, url), "id": rapid.id,
                                                "version": rapid.version, "outcome": "NFR",
                                                "decision_date": "2026-11-27"})
    session.expire_all()
    assert session.get(Review, rapid.id).rapid_outcome == "NFR"
    page = _html(client, url)
    decision = re.search(r"Decision</dt>\s*<dd[^>]*>(.*?)</dd>", page, re.S)
    assert decision and decision.group(1).strip() == "No further review", decision and decision.group(1)
    assert ">NFR<" not in page and "27 November 2026" in page
