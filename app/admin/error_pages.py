"""400, 403, 404, 405 and 500 as NHS-style pages (templates/errors/) instead of the framework's bare text.

A stand-in until the error handlers of the "harden" work land: those should render the same templates
(errors/<code>.html) and this module can then go.
"""

from __future__ import annotations

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from app.extensions import db

PAGES = {400: "errors/400.html", 403: "errors/403.html", 404: "errors/404.html", 405: "errors/405.html",
         500: "errors/500.html"}


def _page(error: HTTPException):
    if error.code == 500:
        db.session.rollback()  # the failed request's work is not kept, and the page can still read the user
    return render_template(PAGES[error.code], expired_form=isinstance(error, CSRFError),
                           description=error.description if error.code == 400 else None), error.code


def register_error_pages(app: Flask) -> None:
    """Answer 400, 403, 404, 405 and 500 with the tracker's pages."""
    for code in PAGES:
        app.register_error_handler(code, _page)
