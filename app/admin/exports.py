"""HTTP responses for exports: stream CSV, send XLSX from a temporary file; refuse over the cap."""

from __future__ import annotations

from flask import Response, flash, redirect, request, stream_with_context

from app.extensions import db
from app.people.actor import Actor
from app.reviews.export import count_capped, csv_chunks, export_rows, record_export, xlsx_file
from app.types import utcnow

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _closing_session(chunks, session):
    """Stream, then close the session the query is bound to. Found by the security scan: the request's teardown
    has already removed that session from the registry, so nothing else closes it; each CSV export kept its
    connection until garbage collection, and a burst of ~15 exports exhausted the connection pool."""
    try:
        yield from chunks
    finally:
        session.close()


def export_response(*, query, export_type: str, actor: Actor, max_rows: int, described: dict) -> Response:
    """The export of a list query, or a redirect with a message when it is over the row cap."""
    rows = count_capped(db.session, query, max_rows)
    if rows > max_rows:
        flash(f"More than {max_rows:,} reviews match: narrow the filters and export again.", "error")
        return redirect(request.referrer or "/admin/review/")
    now = utcnow()
    record_export(db.session, actor=actor, now=now, export_type=export_type, rows=rows, described=described)
    db.session.commit()
    filename = f"reviews-{now:%Y%m%d-%H%M%S}.{export_type}"
    headers = {"Content-Disposition": f"attachment; filename={filename}", "Cache-Control": "no-store"}
    if export_type == "csv":
        chunks = _closing_session(csv_chunks(export_rows(query)), query.session)
        return Response(stream_with_context(chunks), mimetype="text/csv", headers=headers)
    handle = xlsx_file(export_rows(query))

    def chunks():
        with handle:
            while block := handle.read(64 * 1024):
                yield block

    return Response(chunks(), mimetype=XLSX_MIME, headers=headers)
