"""Driving the app like a browser: sign in with the form's CSRF token (and a real authenticator code when the
account has two-factor), read tokens from pages."""

from __future__ import annotations

import re
import time

import pyotp
from sqlalchemy import func, select

from app.extensions import db
from app.people.models import User
from tests.support.accounts import ACCOUNTS, PASSWORD, TOTP_KEY

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
STEP = 30


def csrf_token(html: str) -> str:
    """The CSRF token in a page (AssertionError when there is none)."""
    match = CSRF.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def next_totp_code(app, email: str, key: str = TOTP_KEY) -> str:
    """An authenticator code the app has not seen yet for this user (waits for the next 30 s step if needed)."""

    with app.app_context():
        last = db.session.scalar(select(User.tf_totp_last_step).where(func.lower(User.email) == email.lower()))
    now_step = int(time.time()) // STEP
    step = max(now_step, (last if last is not None else -1) + 1)
    if step > now_step + 1:  # the app accepts one step either side of now: wait until `step` is within reach
        time.sleep(max(0.0, (step - 1) * STEP - time.time()) + 0.05)
    return pyotp.TOTP(key).at(step * STEP)


def sign_in(client, who: str, password: str = PASSWORD, *, totp_key: str = TOTP_KEY):
    """Sign in as a named test account (or an email); completes the authenticator step when asked. Returns the
    final response."""
    email = ACCOUNTS[who][0] if who in ACCOUNTS else who
    page = client.get("/login")
    token = csrf_token(page.get_data(as_text=True))
    response = client.post("/login", data={"email": email, "password": password, "csrf_token": token},
                           follow_redirects=True)
    html = response.get_data(as_text=True)
    if 'name="two_factor_verify_code_form"' in html:
        code = next_totp_code(client.application, email, totp_key)
        response = client.post("/tf-validate", data={"code": code, "csrf_token": csrf_token(html)},
                               follow_redirects=True)
    return response


def page_token(client, url: str) -> str:
    """GET a page and return its CSRF token."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return csrf_token(response.get_data(as_text=True))


def review_listed(html: str, review_id: int) -> bool:
    """Whether a reviews list page shows the review (each row links to the review's page)."""
    return f'/admin/review/details/?id={review_id}"' in html
