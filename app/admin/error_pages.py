"""403 and 404 as NHS-style pages (templates/errors/) instead of the framework's bare text.

A stand-in until the error handlers of the "harden" work land: those should render the same templates
(errors/403.html, errors/404.html) and this module can then go.
"""

from __future__ import annotations

from flask import Flask, render_template
from werkzeug.exceptions import HTTPException

PAGES = {403: "errors/403.html", 404: "errors/404.html"}


def _page(error: HTTPException):
    return render_template(PAGES[error.code]), error.code


def register_error_pages(app: Flask) -> None:
    """Answer 403 and 404 with the tracker's pages."""
    for code in PAGES:
        app.register_error_handler(code, _page)
