"""Browser protections: CSP without inline script, framing, nosniff, referrer, no-store, HSTS and cookies in
production. Pages are checked for what a strict CSP would refuse (inline handlers, scripts without the nonce)."""

from __future__ import annotations

import re

import pytest

from tests.support.reviews import make_review
from tests.support.web import sign_in

INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)


def _directives(response) -> dict[str, str]:
    policy = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part for part in (p.strip() for p in policy.split(";")) if part}


def _assert_every_script_has_the_nonce(response) -> None:
    """Flask-Admin's and our own script tags all carry the nonce (ready for 'strict-dynamic')."""
    nonce = re.search(r"'nonce-([^']+)'", _directives(response)["script-src"]).group(1)
    scripts = re.findall(r"<script([^>]*)>", response.get_data(as_text=True))
    assert scripts and all(f'nonce="{nonce}"' in attrs for attrs in scripts), [a for a in scripts if nonce not in a]


def _assert_strict_page(response) -> None:
    html = response.get_data(as_text=True)
    csp = _directives(response)
    nonce = re.search(r"'nonce-([^']+)'", csp["script-src"]).group(1)
    assert "'unsafe-inline'" not in csp["script-src"] and "'unsafe-eval'" not in csp["script-src"]
    assert "'unsafe-inline'" not in csp["style-src"]
    for attrs, body in re.findall(r"<script([^>]*)>(.*?)</script>", html, re.DOTALL):
        if "src=" not in attrs:
            assert f'nonce="{nonce}"' in attrs, f"inline script without the nonce: {body[:80]}"
    for attrs in re.findall(r"<style([^>]*)>", html):
        assert f'nonce="{nonce}"' in attrs, "inline <style> without the nonce"
    assert not INLINE_HANDLER.search(html), INLINE_HANDLER.search(html).group(0)
    assert not re.search(r"\sstyle=\"", html), "inline style attribute"


@pytest.fixture
def review(session):
    return make_review(session, organisation_code="93C", local_identifier="HDR-1")


def test_admin_pages_are_strict_csp_clean(client, review):
    sign_in(client, "national")
    for url in ("/admin/", "/admin/review/", f"/admin/review/details/?id={review.id}", f"/admin/review/edit/?id="
                f"{review.id}", "/admin/review/new/", "/admin/users/", "/admin/users/details/?id=1", "/admin/audit/",
                "/admin/partnership/", "/admin/users/edit/?id=1"):
        response = client.get(url)
        assert response.status_code == 200, url
        _assert_strict_page(response)
        _assert_every_script_has_the_nonce(response)


def test_sign_in_and_account_pages_are_strict_csp_clean(client):
    for url in ("/login", "/reset"):
        _assert_strict_page(client.get(url))
    sign_in(client, "national")
    for url in ("/change", "/tf-setup", "/wan-register", "/mf-recovery-codes", "/change-email"):
        response = client.get(url)
        assert response.status_code == 200, url
        _assert_strict_page(response)


def test_each_response_has_a_fresh_nonce(client):
    first, second = client.get("/login"), client.get("/login")
    assert _directives(first)["script-src"] != _directives(second)["script-src"]


def test_framing_sniffing_and_referrer(client):
    response = client.get("/login")
    csp = _directives(response)
    assert csp["frame-ancestors"] == "frame-ancestors 'none'"
    assert csp["object-src"] == "object-src 'none'" and csp["base-uri"] == "base-uri 'none'"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in response.headers  # development and test serve plain HTTP


def test_signed_in_pages_and_exports_are_not_stored(client, review):
    sign_in(client, "dp_ncl")
    for url in ("/admin/", "/admin/review/", f"/admin/review/details/?id={review.id}",
                "/admin/review/export/csv/", "/admin/review/export/xlsx/", "/login"):
        response = client.get(url)
        assert "no-store" in response.headers.get("Cache-Control", ""), url
    assert "no-store" not in client.get("/static/tracker.css").headers.get("Cache-Control", "")
