"""The review screens as a user drives them: create, messages on fields, conflicts, the review page, exports."""

import csv
import io
import re
from datetime import date, timedelta

from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.reviews.models import Review
from app.timezone import london_today
from app.types import utcnow
from tests.support.reviews import make_review
from tests.support.web import csrf_token, page_token, review_listed, sign_in

VALID = {"review_type": "DHR", "organisation_code": "93C", "date_added": "2026-02-01", "incident_date": "2026-01-20",
         "dp_initials": "jk", "local_identifier": "DHR-NCL-2026-01", "theme_1": "CA_DOMESTIC",
         "overview": "A death following domestic abuse; agencies had contact in the year before."}


def post_form(client, url, data):
    token = page_token(client, url)
    return client.post(url, data={**data, "csrf_token": token})


def test_a_designated_professional_creates_a_review(client, session):
    sign_in(client, "dp_ncl")
    response = post_form(client, "/admin/review/new/", VALID)
    assert response.status_code == 302
    review = session.scalar(select(Review).where(Review.local_identifier == "DHR-NCL-2026-01"))
    assert (review.status, review.dp_initials, review.recorded_icb_code, review.recorded_region_code) == (
        "open", "JK", "QMJ", "Y56")
    assert f"/admin/review/details/?id={review.id}" in response.headers["Location"]


def test_each_broken_rule_is_shown_on_its_field_and_nothing_is_saved(client, session):
    sign_in(client, "dp_ncl")
    before = session.scalar(select(func.count(Review.id)))
    bad = {**VALID, "incident_date": "2026-03-01", "steis_number": "21/123", "dp_initials": "Jonathan",
           "theme_1": "", "report_url": "http://insecure.example.org"}
    response = post_form(client, "/admin/review/new/", bad)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    for message in ("Date added cannot be before the incident date.",
                    "StEIS number must be a year, a slash and five digits, for example 2021/12345.",
                    "Designated professional&#39;s initials must be 2 to 4 letters",
                    "Choose at least one abuse / vulnerability theme (theme 1).",
                    "Web link to report must be a full https:// address.",
                    "The review was not saved"):
        assert message in html, message
    assert session.scalar(select(func.count(Review.id))) == before


def test_a_bad_csrf_token_changes_nothing(client, session):
    sign_in(client, "dp_ncl")
    before = session.scalar(select(func.count(Review.id)))
    response = client.post("/admin/review/new/", data={**VALID, "csrf_token": "forged"})
    assert response.status_code == 400
    assert session.scalar(select(func.count(Review.id))) == before


def test_the_second_of_two_simultaneous_edits_is_refused_with_what_changed(app, session):
    review = make_review(session)
    first, second = app.test_client(), app.test_client()
    sign_in(first, "dp_ncl")
    sign_in(second, "national")
    url = f"/admin/review/edit/?id={review.id}"
    forms = []
    for client in (first, second):
        html = client.get(url).get_data(as_text=True)
        version = re.search(r'name="version" type="hidden" value="(\d+)"', html) or re.search(
            r'id="version" name="version" type="hidden" value="(\d+)"', html)
        forms.append({"csrf_token": csrf_token(html), "version": version.group(1), "review_type": "SAR_MANDATORY",
                      "organisation_code": "93C", "date_added": "2025-06-02", "incident_date": "2025-05-01",
                      "dp_initials": "AB", "local_identifier": review.local_identifier, "theme_1": "CA_NEGLECT"})
    assert first.post(url, data={**forms[0], "overview": "Edited by the designated professional."}).status_code == 302
    response = second.post(url, data={**forms[1], "overview": "Edited by the national admin."})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "This review was changed by dp.ncl@example.com after you opened it. Nothing was saved." in html
    assert "Edited by the designated professional." in html and "Edited by the national admin." in html
    session.expire_all()
    assert session.get(Review, review.id).overview == "Edited by the designated professional."


def test_the_review_page_shows_clocks_timeline_and_history(client, session):
    review = make_review(session, review_type="RAPID", notification_date=date(2026, 11, 20),
                         date_added=date(2026, 11, 20), incident_date=None, themes=["WT_NEGLECT"])
    sign_in(client, "dp_ncl")
    page = f"/admin/review/details/?id={review.id}"
    token = page_token(client, page)
    client.post("/admin/review/update/", data={"id": review.id, "version": review.version, "csrf_token": token,
                                               "text": "Rapid review meeting arranged.", "entry_date": ""})
    html = client.get(page).get_data(as_text=True)
    assert 'data-kind="rapid_review_due"' in html and "Rapid review due" in html
    assert "Rapid review meeting arranged." in html
    assert "review.create" in html and "review.update" in html
    assert "Rapid review decision" in html


def test_recording_a_rapid_review_decision_from_the_page(client, session):
    review = make_review(session, review_type="RAPID", notification_date=date(2026, 10, 1),
                         date_added=date(2026, 10, 1), incident_date=None, local_identifier="RR-PAGE-1")
    sign_in(client, "dp_ncl")
    token = page_token(client, f"/admin/review/details/?id={review.id}")
    response = client.post("/admin/review/decide/", data={
        "id": review.id, "version": review.version, "csrf_token": token, "outcome": "CSPR",
        "decision_date": "2026-10-20", "new_local_identifier": "CSPR-PAGE-1"}, follow_redirects=True)
    assert "Rapid review converted" in response.get_data(as_text=True)
    session.expire_all()
    assert session.get(Review, review.id).status == "converted"
    assert session.scalar(select(Review).where(Review.local_identifier == "CSPR-PAGE-1")).review_type == "CSPR"


def test_export_follows_filters_neutralises_formulas_and_is_audited(client, session):
    make_review(session, local_identifier="EXP-1", overview="=HYPERLINK(\"http://evil.example\")")
    make_review(session, local_identifier="EXP-2", review_type="DHR")
    make_review(session, local_identifier="EXP-3", organisation_code="52R")
    sign_in(client, "dp_ncl")
    response = client.get("/admin/review/export/csv/?flt1_type_of_review_equals=SAR_MANDATORY")
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [r["Local identifier"] for r in rows] == ["EXP-1"]
    assert rows[0]["Brief overview"].startswith("'=HYPERLINK")
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "review.export"))
    assert "exported 1 reviews as csv" in event.detail and event.actor_email == "dp.ncl@example.com"


def test_search_finds_identifiers_whatever_the_case(client, session):
    review = make_review(session, local_identifier="SAR-NCL-2025-07", steis_number="2025/54321")
    sign_in(client, "dp_ncl")
    for term in ("sar-ncl-2025", "SAR-NCL-2025-07", "2025/54321", f"#{review.id}"):
        html = client.get("/admin/review/", query_string={"search": term}).get_data(as_text=True)
        assert review_listed(html, review.id), term
    for term in ("NCL-2025", "ncl-2025-0", "54321", "2025/543", "25/5"):
        html = client.get("/admin/review/", query_string={"search": term}).get_data(as_text=True)
        assert review_listed(html, review.id), term  # anywhere in the identifier
    html = client.get("/admin/review/", query_string={"search": "NCL-2026"}).get_data(as_text=True)
    assert not review_listed(html, review.id)


def test_patient_data_is_refused_on_the_field_without_echoing_it(client, session):
    sign_in(client, "dp_ncl")
    before = session.scalar(select(func.count(Review.id)))
    response = post_form(client, "/admin/review/new/", {
        **VALID, "overview": "Concerns raised about the adult (NHS number 943 476 5919) by the GP.",
        "local_identifier": "JonS-2026"})
    html = response.get_data(as_text=True)
    assert "Brief overview: contains an NHS number" in html
    assert "Local identifier: contains what looks like a person" in html
    messages = " ".join(re.findall(r'class="nhsuk-error-message"[^>]*>(.*?</span>.*?)</span>', html, re.S)
                        + re.findall(r'nhsuk-error-summary__list">(.*?)</ul>', html, re.S))
    assert "NHS number" in messages and "943" not in messages and "JonS" not in messages
    assert session.scalar(select(func.count(Review.id))) == before


def test_list_filters_overdue_and_due_within_days(client, session):
    # The list judges the clocks on the real today, so the reviews are dated from it: notified 60 days ago is long
    # overdue (15 working days); notified yesterday is due within 30 days (at most ~25 calendar days with holidays).
    now = utcnow()
    today = london_today(now)
    notified_long_ago, notified_yesterday = today - timedelta(days=60), today - timedelta(days=1)
    overdue = make_review(session, review_type="RAPID", notification_date=notified_long_ago,
                          date_added=notified_long_ago, incident_date=None, local_identifier="RR-LATE", now=now)
    soon = make_review(session, review_type="RAPID", notification_date=notified_yesterday,
                       date_added=notified_yesterday, incident_date=None, local_identifier="RR-SOON", now=now)
    sign_in(client, "dp_ncl")
    late = client.get("/admin/review/?flt1_overdue_is_overdue=rapid_review_due").get_data(as_text=True)
    assert review_listed(late, overdue.id) and not review_listed(late, soon.id)
    within = client.get("/admin/review/?flt1_due_within_days_clock_due_within=30").get_data(as_text=True)
    assert review_listed(within, soon.id) and not review_listed(within, overdue.id)
