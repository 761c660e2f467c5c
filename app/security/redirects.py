"""Open redirects refused: a `next` or `url` parameter must be a path on this site (or a full URL of this very
host, which Flask-Security-Too itself builds between its sign-in steps)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, abort, request

REDIRECT_PARAMETERS = ("next", "url")


def is_safe_redirect(target: str, *, host: str | None = None) -> bool:
    """True for a relative path on this site ("/admin/?page=2") or an http(s) URL of exactly `host`; False for
    anything a browser could take elsewhere: other hosts, scheme-relative "//host", backslashes ("/\\host" is
    "//host" to a browser), control characters and whitespace tricks."""
    if "\\" in target or any(ord(ch) < 33 or ord(ch) == 127 for ch in target):
        return False
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return host is not None and parts.scheme in ("http", "https") and parts.netloc == host \
            and target.startswith(f"{parts.scheme}://{host}/")
    return target.startswith("/") and not target.startswith("//")


def _refuse_open_redirects() -> None:
    values = [v for name in REDIRECT_PARAMETERS for v in request.args.getlist(name)]
    if request.method == "POST" and request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        values += [v for name in REDIRECT_PARAMETERS for v in request.form.getlist(name)]
    if any(value and not is_safe_redirect(value, host=request.host) for value in values):
        abort(400, description="The return address must be a page of this site.")


def init_redirect_guard(app: Flask) -> None:
    """Check every request's redirect parameters before any view runs."""
    app.before_request(_refuse_open_redirects)
