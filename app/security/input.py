"""Request values no field may hold: a NUL byte in any query or form value is refused before any view runs.

PostgreSQL cannot store a NUL byte in text (psycopg refuses the statement), so without this a NUL typed into a
search box or smuggled into a form answered 500 on PostgreSQL and was stored silently on SQLite. Flask-Admin's
create and edit forms are the exception: they show the error on the field (app/admin/base.py validate_form).
"""

from __future__ import annotations

from flask import Flask, abort, request

from app.text import NUL, NUL_MESSAGE

FIELD_CHECKED_VIEWS = (".create_view", ".edit_view")  # Flask-Admin model forms: the field shows the error


def _holds_nul(values) -> bool:
    return any(NUL in key or NUL in value for key, value in values.items(multi=True))


def _refuse_nul_bytes() -> None:
    if _holds_nul(request.args):
        abort(400, description=f"The address {NUL_MESSAGE}")
    if request.method == "POST" and request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        if (request.endpoint or "").endswith(FIELD_CHECKED_VIEWS):
            return
        if _holds_nul(request.form):
            abort(400, description=f"The form {NUL_MESSAGE} Nothing was saved.")


def init_input_guard(app: Flask) -> None:
    """Check every request's query and form values before any view runs."""
    app.before_request(_refuse_nul_bytes)
