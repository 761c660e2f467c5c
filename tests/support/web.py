"""Driving the app like a browser: sign in with the form's CSRF token, read tokens from pages."""

from __future__ import annotations

import re

from tests.support.accounts import ACCOUNTS, PASSWORD

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(html: str) -> str:
    """The CSRF token in a page (AssertionError when there is none)."""
    match = CSRF.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def sign_in(client, who: str, password: str = PASSWORD):
    """Sign in as a named test account (or an email); returns the final response."""
    email = ACCOUNTS[who][0] if who in ACCOUNTS else who
    page = client.get("/login")
    token = csrf_token(page.get_data(as_text=True))
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token},
                       follow_redirects=True)


def page_token(client, url: str) -> str:
    """GET a page and return its CSRF token."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return csrf_token(response.get_data(as_text=True))


def review_listed(html: str, review_id: int) -> bool:
    """Whether a reviews list page shows the review (each row links to the review's page)."""
    return f'/admin/review/details/?id={review_id}"' in html
