"""Account emails (reset, invitation, password and email changes, two-factor help) go through the outbox, and every
link in every email is built from BASE_URL, never from the request's Host or X-Forwarded-Host."""

from __future__ import annotations

import re
import time
from datetime import timedelta
from statistics import median

import pytest
from sqlalchemy import select

from app.notifications.jobs import SCANS, run_scan
from app.notifications.models import PENDING, SENT, OutboxMessage
from app.notifications.relay import relay
from app.notifications.settings import NotificationSettings
from app.people.models import User
from app.types import utcnow
from tests.notifications import dataset
from tests.security.conftest import user_by_email
from tests.support.accounts import ACCOUNTS, PASSWORD
from tests.support.web import csrf_token, next_totp_code

BASE = "https://tracker.example.com"
EVIL = "http://evil.example"
URL = re.compile(r"""https?://[^\s"'<>]+""")
EMAIL = ACCOUNTS["dp_ncl"][0]


@pytest.fixture
def base_url(app_config):
    """BASE_URL is the public address; requests arrive with a forged Host."""
    app_config["BASE_URL"] = BASE
    return BASE


def _token(client, url: str, **kwargs) -> str:
    response = client.get(url, **kwargs)
    assert response.status_code == 200, (url, response.status_code)
    return csrf_token(response.get_data(as_text=True))


def _links(message) -> list[str]:
    parts = [message.get_body(preferencelist=(kind,)).get_content() for kind in ("plain", "html")]
    return [link for part in parts for link in URL.findall(part)]


def _only_base_links(message) -> list[str]:
    links = _links(message)
    assert links, "the email has no link"
    assert all(link.startswith(BASE + "/") for link in links), links
    assert "evil.example" not in message.as_string()
    return links


def _sign_in(client, who: str, **kwargs):
    email = ACCOUNTS[who][0]
    token = _token(client, "/login", **kwargs)
    page = client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token},
                       follow_redirects=True, **kwargs)
    html = page.get_data(as_text=True)
    if 'name="two_factor_verify_code_form"' in html:
        page = client.post("/tf-validate", data={"code": next_totp_code(client.application, email),
                                                 "csrf_token": csrf_token(html)}, follow_redirects=True, **kwargs)
    assert client.get("/admin/", **kwargs).status_code == 200


def test_reset_link_comes_from_base_url_not_the_host_header(base_url, mail_sink, app):
    client = app.test_client()
    token = _token(client, "/reset", base_url=EVIL)
    client.post("/reset", data={"email": EMAIL, "csrf_token": token}, base_url=EVIL)
    links = _only_base_links(mail_sink.wait_for(1, timeout=10)[0].message())
    assert any(link.startswith(f"{BASE}/reset/") for link in links)


@pytest.fixture
def behind_a_proxy(app_config):
    app_config["TRUSTED_PROXY_COUNT"] = 1


def test_reset_link_ignores_x_forwarded_host(base_url, behind_a_proxy, mail_sink, app):
    client = app.test_client()
    headers = {"X-Forwarded-Host": "evil.example", "X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "http"}
    token = _token(client, "/reset", headers=headers)
    client.post("/reset", data={"email": EMAIL, "csrf_token": token}, headers=headers)
    _only_base_links(mail_sink.wait_for(1, timeout=10)[0].message())


def test_invitation_link_comes_from_base_url(base_url, mail_sink, app, session):
    client = app.test_client()
    _sign_in(client, "national", base_url=EVIL)
    token = _token(client, "/admin/users/new/", base_url=EVIL)
    response = client.post("/admin/users/new/", base_url=EVIL, data={
        "csrf_token": token, "email": "invited@example.com", "full_name": "", "role": "viewer",
        "scope_code": "Y60", "active": "y", "digests_enabled": "y"})
    assert response.status_code == 302
    message = mail_sink.wait_for(1, timeout=10)[0].message()
    assert message["To"] == "invited@example.com"
    assert any(link.startswith(f"{BASE}/reset/") for link in _only_base_links(message))
    row = session.scalar(select(OutboxMessage).where(OutboxMessage.recipient_address == "invited@example.com"))
    assert row is not None and row.kind == "invitation" and row.status == SENT


def test_password_change_notice_links_come_from_base_url(base_url, mail_sink, app):
    client = app.test_client()
    _sign_in(client, "dp_ncl", base_url=EVIL)
    token = _token(client, "/change", base_url=EVIL)
    new = "lantern-orchard-basalt-7713"
    client.post("/change", base_url=EVIL, data={"password": PASSWORD, "new_password": new,
                                                "new_password_confirm": new, "csrf_token": token})
    _only_base_links(mail_sink.wait_for(1, timeout=10)[0].message())


def test_change_email_link_comes_from_base_url(base_url, mail_sink, app):
    client = app.test_client()
    _sign_in(client, "dp_ncl", base_url=EVIL)
    token = _token(client, "/change-email", base_url=EVIL)
    client.post("/change-email", base_url=EVIL, data={"email": "dp.ncl.new@example.com", "csrf_token": token})
    message = mail_sink.wait_for(1, timeout=10)[0].message()
    assert message["To"] == "dp.ncl.new@example.com"
    assert any(link.startswith(f"{BASE}/change-email/") for link in _only_base_links(message))


def test_every_link_in_job_emails_comes_from_base_url(base_url, mail_sink, app, session):
    dataset.build(session)
    settings = NotificationSettings.from_config(app.config)
    for job in SCANS:
        run_scan(session, job, now=dataset.NOW, settings=settings)
        session.commit()
    rows = session.scalars(select(OutboxMessage)).all()
    assert len(rows) >= 3
    for row in rows:
        links = URL.findall(row.body_text) + URL.findall(row.body_html)
        assert links and all(link.startswith(BASE + "/") for link in links), (row.kind, links)


def test_with_smtp_down_an_invitation_waits_in_the_outbox_and_goes_when_smtp_returns(
        base_url, mail_sink, app, session):
    client = app.test_client()
    _sign_in(client, "national")
    mail_sink.pause()
    token = _token(client, "/admin/users/new/")
    response = client.post("/admin/users/new/", data={
        "csrf_token": token, "email": "invited@example.com", "full_name": "", "role": "viewer",
        "scope_code": "Y60", "active": "y", "digests_enabled": "y"}, follow_redirects=True)
    assert response.status_code == 200
    assert "was invited" in response.get_data(as_text=True)
    session.expire_all()
    assert session.scalar(select(User).where(User.email == "invited@example.com")) is not None
    row = session.scalar(select(OutboxMessage).where(OutboxMessage.recipient_address == "invited@example.com"))
    assert row is not None and row.status == PENDING and row.kind == "invitation"
    assert row.attempts == 1 and row.last_error, "the first attempt was not made right after the response"

    mail_sink.resume()
    report = relay(session, now=utcnow() + timedelta(minutes=5), settings=NotificationSettings.from_config(app.config))
    assert report.sent == [row.id]
    message = mail_sink.wait_for(1, timeout=10)[0].message()
    assert message["To"] == "invited@example.com"
    session.expire_all()
    assert session.get(OutboxMessage, row.id).status == SENT


def test_account_emails_keep_no_live_link_once_sent(base_url, mail_sink, app, session):
    """A sent reset email's link is removed from the outbox copy: the table and its backups hold no live token."""
    client = app.test_client()
    client.post("/reset", data={"email": EMAIL, "csrf_token": _token(client, "/reset")})
    mail_sink.wait_for(1, timeout=10)
    session.expire_all()
    row = session.scalar(select(OutboxMessage).where(OutboxMessage.recipient_address == EMAIL))
    assert row.status == SENT and row.kind == "password_reset"
    assert "/reset/" not in row.body_text and "/reset/" not in row.body_html


def test_a_locked_or_unknown_address_gets_no_email_but_the_same_answer(base_url, mail_sink, app, session):
    user = user_by_email(session, EMAIL)
    user.locked_until = utcnow() + timedelta(minutes=30)
    session.commit()
    client = app.test_client()
    pages = []
    for email in (EMAIL, "nobody@example.com"):
        response = client.post("/reset", data={"email": email, "csrf_token": _token(client, "/reset")})
        html = response.get_data(as_text=True)
        html = re.sub(r'nonce="[^"]*"', "", html)  # each page has its own CSP nonce
        pages.append(html.replace(csrf_token(html), "").replace(email, "(address)"))
    assert pages[0] == pages[1]
    assert session.scalars(select(OutboxMessage)).all() == []


@pytest.fixture
def production_hash(app_config):
    """The production password hash (argon2): the unknown-address answer pays one, as a sign-in would."""
    app_config["SECURITY_PASSWORD_HASH"] = "argon2"
    app_config["RATELIMIT_RESET"] = "1000 per minute"


def test_reset_for_a_known_and_an_unknown_address_does_the_same_work(base_url, production_hash, mail_sink, app,
                                                                      session):
    client = app.test_client()
    token = _token(client, "/reset")

    def timed(email: str) -> float:
        started = time.perf_counter()
        response = client.post("/reset", data={"email": email, "csrf_token": token}, buffered=False)
        elapsed = time.perf_counter() - started
        assert response.status_code == 200
        if email == EMAIL:  # the answer is complete: nothing was queued or sent while it was being made
            assert session.scalars(select(OutboxMessage)).all() == [] and mail_sink.messages == []
        response.close()  # as a server does once the answer is sent: the email is queued and sent now
        if email == EMAIL:
            mail_sink.wait_for(1, timeout=10)
            mail_sink.clear()
            session.query(OutboxMessage).delete()
            session.commit()
        return elapsed

    timed("nobody@example.com")  # warm-up (templates compiled, first connections)
    known, unknown = [], []
    for _ in range(5):
        known.append(timed(EMAIL))
        unknown.append(timed("nobody@example.com"))
    ratio = median(known) / median(unknown)
    assert 0.67 < ratio < 1.5, (ratio, known, unknown)


def test_the_outbox_screen_never_shows_a_pending_reset_link(base_url, mail_sink, app, session):
    mail_sink.pause()
    client = app.test_client()
    client.post("/reset", data={"email": EMAIL, "csrf_token": _token(client, "/reset")})
    session.expire_all()
    row = session.scalar(select(OutboxMessage).where(OutboxMessage.recipient_address == EMAIL))
    assert row.status == PENDING and "/reset/" in row.body_text
    admin = app.test_client()
    _sign_in(admin, "national")
    page = admin.get(f"/admin/outbox/details/?id={row.id}").get_data(as_text=True)
    assert "/reset/" not in page and "single-use sign-in link" in page
    mail_sink.resume()
