"""The tracker's own error pages (400, 403, 404, 405, 413, 429, 500, 503), never the framework's bare ones: NHS pages
(templates/errors/) in the frame of every other page.

A page says what happened in plain words and, for a refusal the code explains (an `abort(400, "…")`), that
explanation; an unexpected error (500) never shows its details. A value the database cannot store (a NUL
byte, a number out of range) that got past the checks is a 400, not a 500; a database held by another writer for
longer than we wait (app/database.py) is the busy page, a 503 with Retry-After.
"""

from __future__ import annotations

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError, OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError

from app.database import BUSY_MESSAGE, is_busy
from app.extensions import db

PAGES = {
    400: ("The request could not be understood", "Something in the request was not valid. Nothing was saved."),
    403: ("You do not have access to this page", "Your role or your organisation does not give you access to it."),
    404: ("Page not found", "There is no such page, or no such record in your organisation."),
    405: ("This page cannot be used that way", "The address is right but the request was of the wrong kind."),
    413: ("The upload is too large", "Choose a smaller file."),
    429: ("Too many attempts", "Wait a minute and try again."),
    500: ("Sorry, there is a problem with the service",
          "The tracker could not finish your request. Nothing was saved. The error was logged; if it happens again, "
          "tell the support team what you were doing."),
    503: ("The tracker cannot answer just now", "Try again in a moment."),
}


# Codes with a page of their own in templates/errors/ (NHS wording: what happened, what to do next); the others
# use errors/error.html with the title and message above.
OWN_PAGES = frozenset({400, 403, 404, 405, 500})


def error_page(code: int, detail: str | None = None, *, headers: dict | None = None, expired_form: bool = False):
    """The error page for `code`, with an optional plain-words detail (an expired form: its own wording)."""
    title, message = PAGES.get(code, PAGES[500] if code >= 500 else PAGES[400])
    template = f"errors/{code}.html" if code in OWN_PAGES else "errors/error.html"
    try:
        html = render_template(template, code=code, title=title, message=message, detail=detail,
                               expired_form=expired_form)
    except Exception:  # the page itself must not fail: say it in plain text
        html = f"{title}. {message}"
    return html, code, headers or {}


def _explained(error: HTTPException) -> str | None:
    """The description the code gave the error, unless it is the framework's stock sentence."""
    description = error.description
    stock = type(error).description
    return str(description) if description and description != stock else None


def _http_error(error: HTTPException):
    if error.response is not None or error.code is None or error.code < 400:
        return error  # a ready-made response (abort(Response)) or a redirect
    code = error.code if error.code in PAGES else (500 if error.code >= 500 else 400)
    headers = dict(error.get_headers()) if error.code in (405, 429, 503) else None
    if headers:
        headers.pop("Content-Type", None)
    return error_page(code, _explained(error) if code != 500 else None, headers=headers,
                      expired_form=isinstance(error, CSRFError))


def _server_error(error: InternalServerError):
    db.session.rollback()
    return error_page(500)


def _unstorable_value(error: DataError):
    db.session.rollback()
    return error_page(400, "A value in the request cannot be stored (for example a number far too large, or a "
                           "character that is not allowed). Nothing was saved.")


def _database_error(error: OperationalError):
    db.session.rollback()
    if is_busy(error):  # another writer (a large import) held the database longer than we wait
        return error_page(503, BUSY_MESSAGE, headers={"Retry-After": "30"})
    raise error


def init_error_pages(app: Flask) -> None:
    """Answer every HTTP error with the tracker's page."""
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(InternalServerError, _server_error)
    app.register_error_handler(DataError, _unstorable_value)
    app.register_error_handler(OperationalError, _database_error)
