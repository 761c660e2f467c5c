"""Open redirects refused: `next` and `url` must be paths on this site."""

from __future__ import annotations

import pytest

from app.security.redirects import is_safe_redirect
from tests.support.accounts import ACCOUNTS, PASSWORD
from tests.support.web import page_token, sign_in

EVIL = ["//evil.example", "https://evil.example", "/\\evil.example", "http://evil.example/admin/", "\\\\evil.example",
        "https:evil.example", "/\t/evil.example", "javascript:alert(1)", "http://localhost.evil.example/"]


@pytest.mark.parametrize("target", EVIL)
def test_unsafe_targets(target):
    assert not is_safe_redirect(target, host="localhost")


@pytest.mark.parametrize("target", ["/admin/", "/admin/review/?page=2&sort=1", "http://localhost/admin/"])
def test_safe_targets(target):
    assert is_safe_redirect(target, host="localhost")


@pytest.mark.parametrize("target", EVIL)
def test_sign_in_refuses_a_foreign_next(client, target):
    response = client.get("/login", query_string={"next": target})
    assert response.status_code == 400
    token = page_token(client, "/login")
    response = client.post("/login", query_string={"next": target}, data={
        "email": ACCOUNTS["dp_ncl"][0], "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 400
    assert "evil" not in response.headers.get("Location", "")
    assert client.get("/admin/").status_code == 302, "signed in despite the refused request"


@pytest.mark.parametrize("target", EVIL)
def test_admin_return_urls_are_refused(client, target):
    sign_in(client, "dp_ncl")
    response = client.get("/admin/review/new/", query_string={"url": target})
    assert response.status_code == 400


def test_a_local_next_is_followed(client):
    token = page_token(client, "/login")
    response = client.post("/login", query_string={"next": "/admin/review/"}, data={
        "email": ACCOUNTS["dp_ncl"][0], "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/review/")
