"""Security headers on every response: a nonce-based Content-Security-Policy, framing, sniffing, referrer,
HSTS (production) and `Cache-Control: no-store` on everything but static files."""

from __future__ import annotations

import secrets

from flask import Flask, current_app, g, request
from werkzeug.wrappers import Response

STATIC_ENDPOINTS = frozenset({"static", "admin.static", "security.static"})


def csp_nonce() -> str:
    """This request's nonce: inline scripts (Flask-Admin, Flask-Security) carry it; others are refused."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(18)
    return g.csp_nonce


def content_security_policy(nonce: str) -> str:
    """The policy: only this site's scripts and styles plus those carrying the nonce; no framing; no plugins."""
    return "; ".join([
        "default-src 'self'",
        f"script-src 'self' 'nonce-{nonce}'",
        f"style-src 'self' 'nonce-{nonce}'",
        "img-src 'self' data:",  # data: for the two-factor QR code
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])


def _set_security_headers(response: Response) -> Response:
    headers = response.headers
    # A view may send a stricter policy of its own (the caught-mail HTML part: no script at all, framed by us).
    headers.setdefault("Content-Security-Policy", content_security_policy(csp_nonce()))
    headers["X-Content-Type-Options"] = "nosniff"
    headers.setdefault("X-Frame-Options", "DENY")
    # same-origin, not no-referrer: Flask-WTF checks the Referer of HTTPS form posts against the host.
    headers["Referrer-Policy"] = "same-origin"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
    hsts = current_app.config.get("HSTS_SECONDS", 0)
    if hsts:
        headers["Strict-Transport-Security"] = f"max-age={hsts}; includeSubDomains"
    if request.endpoint not in STATIC_ENDPOINTS:
        # Pages, exports and sign-in forms hold confidential data or tokens: never store them.
        headers["Cache-Control"] = "no-store"
        headers["Pragma"] = "no-cache"
    return response


def _new_nonce() -> None:
    csp_nonce()  # before any template renders: Flask-Security-Too's templates read g.csp_nonce directly


def init_headers(app: Flask) -> None:
    """Set the headers on every response and expose csp_nonce() to templates."""
    app.before_request(_new_nonce)
    app.after_request(_set_security_headers)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
