"""Bad input never gives a 500: ids and page numbers too large for the database, a version that is not a number or
is missing, a NUL byte in a text field (PostgreSQL cannot store one). Errors answer with the tracker's own pages."""

from __future__ import annotations

import pytest
from flask_admin.contrib.sqla import ModelView
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.factory import create_app
from app.people.models import User
from app.reviews.models import Review, ReviewUpdate
from tests.support.reviews import make_review
from tests.support.web import page_token, sign_in

HUGE = "9" * 20
FRAME = "Safeguarding Case Review Tracker"


def _model_views(app) -> list[str]:
    """The endpoint of every Flask-Admin model view."""
    admin = app.extensions["admin"][0]
    return [view.endpoint for view in admin._views if isinstance(view, ModelView)]


def test_every_model_view_is_covered(app):
    assert {"review", "users", "audit", "outbox"} <= set(_model_views(app))
    assert len(_model_views(app)) >= 9  # and the five reference-data screens


@pytest.mark.parametrize("value", [HUGE, "-" + HUGE, "1e400", "0x10", "abc", ""])
def test_a_huge_or_odd_id_is_not_found_on_every_details_and_edit_page(app, client, value):
    sign_in(client, "national")
    for endpoint in _model_views(app):
        for page in ("details", "edit"):
            response = client.get(f"/admin/{endpoint}/{page}/?id={value}")
            assert response.status_code in (302, 400, 403, 404), (endpoint, page, value, response.status_code)


@pytest.mark.parametrize("value", [HUGE, "-1", "abc"])
def test_a_huge_page_number_is_refused_on_every_list(app, client, value):
    sign_in(client, "national")
    for endpoint in _model_views(app):
        response = client.get(f"/admin/{endpoint}/?page={value}")
        assert response.status_code in (200, 400, 404), (endpoint, value, response.status_code)


def test_a_huge_id_in_an_action_form_is_not_found(app, client, session):
    sign_in(client, "national")
    token = page_token(client, "/admin/review/")
    for action in ("update", "close", "reopen", "snooze", "decide", "recommendation"):
        response = client.post(f"/admin/review/{action}/", data={"id": HUGE, "csrf_token": token, "text": "x"})
        assert response.status_code == 404, (action, response.status_code)
    for path in ("/admin/users/unlock/", "/admin/users/reset-two-factor/", "/admin/outbox/retry/"):
        assert client.post(path, data={"id": HUGE, "csrf_token": token}).status_code == 404, path


def _post_edit(client, review: Review, **changes):
    data = {
        "csrf_token": page_token(client, f"/admin/review/edit/?id={review.id}"),
        "review_type": review.review_type, "organisation_code": review.organisation_code,
        "date_added": review.date_added.isoformat(), "incident_date": review.incident_date.isoformat(),
        "dp_initials": review.dp_initials, "local_identifier": review.local_identifier,
        "overview": review.overview, "theme_1": review.theme_codes[0], "version": str(review.version),
    }
    data.update(changes)
    data = {k: v for k, v in data.items() if v is not None}
    return client.post(f"/admin/review/edit/?id={review.id}", data=data, follow_redirects=True)


@pytest.mark.parametrize("version", ["abc", HUGE, "", None, "-1"])
def test_a_bad_or_missing_version_is_refused_and_nothing_changes(client, session, version):
    review = make_review(session)
    before = review.overview
    sign_in(client, "dp_ncl")
    response = _post_edit(client, review, overview="A change that must not be saved blindly.", version=version)
    assert response.status_code == 200
    assert "Reload the review" in response.get_data(as_text=True)
    session.expire_all()
    assert session.get(Review, review.id).overview == before


@pytest.mark.parametrize("version", [None, "", "abc", HUGE])
@pytest.mark.parametrize("action", ["update", "snooze", "close"])
def test_an_action_without_a_valid_version_is_refused_and_nothing_changes(client, session, action, version):
    """Every action form carries the version it was opened at; one that does not could overwrite blindly."""
    review = make_review(session)
    sign_in(client, "dp_ncl")
    data = {"id": str(review.id), "csrf_token": page_token(client, f"/admin/review/details/?id={review.id}"),
            "text": "Panel met today.", "entry_date": "2026-11-20", "until": "2027-01-10", "reason": "Awaiting panel"}
    if version is not None:
        data["version"] = version
    audit_before = len(session.scalars(select(AuditEvent)).all())
    response = client.post(f"/admin/review/{action}/", data=data)
    assert response.status_code == 400, response.status_code
    assert "Reload the review" in response.get_data(as_text=True)
    session.expire_all()
    after = session.get(Review, review.id)
    assert (after.version, after.status, after.snoozed_until) == (review.version, "open", None)
    assert session.scalars(select(ReviewUpdate).where(ReviewUpdate.review_id == review.id)).all() == []
    assert len(session.scalars(select(AuditEvent)).all()) == audit_before


def test_a_nul_byte_in_a_review_field_is_a_form_error(client, session):
    review = make_review(session)
    sign_in(client, "dp_ncl")
    response = _post_edit(client, review, overview="Agencies\x00 did not share information.")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "character that cannot be stored" in html
    session.expire_all()
    assert "\x00" not in (session.get(Review, review.id).overview or "")


def test_a_nul_byte_in_a_timeline_update_is_refused(client, session):
    review = make_review(session)
    sign_in(client, "dp_ncl")
    token = page_token(client, f"/admin/review/details/?id={review.id}")
    response = client.post("/admin/review/update/", data={"id": str(review.id), "text": "Panel met\x00 today.",
                                                          "entry_date": "2026-11-20", "csrf_token": token,
                                                          "version": str(review.version)})
    assert response.status_code == 400 and "cannot be stored" in response.get_data(as_text=True)
    assert session.scalars(select(ReviewUpdate).where(ReviewUpdate.review_id == review.id)).all() == []


def test_a_nul_byte_in_a_user_name_is_a_form_error(client, session):
    sign_in(client, "national")
    user = session.scalar(select(User).where(User.email == "dp.ncl@example.com"))
    token = page_token(client, f"/admin/users/edit/?id={user.id}")
    response = client.post(f"/admin/users/edit/?id={user.id}", data={
        "csrf_token": token, "email": user.email, "full_name": "Dana\x00 Smith", "role": "designated_professional",
        "scope_code": "QMJ", "active": "y", "digests_enabled": "y"}, follow_redirects=True)
    assert response.status_code in (200, 400)
    session.expire_all()
    assert "\x00" not in (session.get(User, user.id).full_name or "")


@pytest.mark.parametrize("url", ["/admin/review/?search=20%0021", "/admin/audit/?search=%00",
                                 "/admin/users/?search=a%00b", "/admin/review/?flt0_0=%00"])
def test_a_nul_byte_in_a_search_is_refused(client, url):
    sign_in(client, "national")
    response = client.get(url)
    assert response.status_code == 400, (url, response.status_code)
    assert FRAME in response.get_data(as_text=True)


def test_a_nul_byte_at_sign_in_is_refused(client, session):
    token = page_token(client, "/login")
    response = client.post("/login", data={"email": "dp.ncl@example.com\x00", "password": "x", "csrf_token": token})
    assert response.status_code in (200, 400)
    events = session.scalars(select(AuditEvent)).all()
    assert all("\x00" not in (e.detail or "") for e in events)


def test_errors_answer_with_the_trackers_own_pages(app, client):
    assert FRAME in client.get("/no-such-page").get_data(as_text=True)
    not_found = client.get("/no-such-page")
    assert not_found.status_code == 404 and "Page not found" in not_found.get_data(as_text=True)
    sign_in(client, "viewer_midlands")
    forbidden = client.get("/admin/users/")
    assert forbidden.status_code == 403 and "You do not have access to this page" in forbidden.get_data(as_text=True)
    assert FRAME in forbidden.get_data(as_text=True)
    bad = client.get("/admin/review/?next=//evil.example")
    assert bad.status_code == 400 and FRAME in bad.get_data(as_text=True)
    assert "return address must be a page of this site" in bad.get_data(as_text=True)


def test_an_unexpected_error_is_a_plain_500_page(app_config, tmp_path, monkeypatch):
    app_config["PROPAGATE_EXCEPTIONS"] = False
    monkeypatch.setenv("TRACKER_INSTANCE_PATH", str(tmp_path / "instance500"))
    broken = create_app("test", app_config)

    @broken.get("/boom")
    def boom():
        raise RuntimeError("secret detail 1234")

    response = broken.test_client().get("/boom")
    html = response.get_data(as_text=True)
    assert response.status_code == 500 and FRAME in html and "Sorry, there is a problem with the service" in html
    assert "secret detail" not in html and "Traceback" not in html


@pytest.mark.parametrize("value", [HUGE, "-" + HUGE, "abc", "2026-13-45"])
def test_odd_values_in_every_list_filter_sort_and_search_answer_without_error(app, client, value):
    sign_in(client, "national")
    admin = app.extensions["admin"][0]
    for view in admin._views:
        if not isinstance(view, ModelView):
            continue
        urls = [f"/admin/{view.endpoint}/?flt0_{view.get_filter_arg(i, flt)}={value}"
                for i, flt in enumerate(view._filters or [])]
        urls += [f"/admin/{view.endpoint}/?{name}={value}" for name in ("sort", "desc", "search", "page_size")]
        for url in urls:
            assert client.get(url).status_code in (200, 400, 404), url
    for url in (f"/admin/reports/?period={value}", f"/admin/reports/?scope={value}", f"/admin/?days={value}",
                f"/admin/review/export/csv/?flt0_0={value}"):
        assert client.get(url).status_code in (200, 400, 404), url
