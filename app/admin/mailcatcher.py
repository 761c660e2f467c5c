"""Mail caught locally (development and demo): national admins read what the tracker sent."""

from __future__ import annotations

from pathlib import Path

from flask import Response, abort, current_app, request
from flask_admin import expose

from app.admin.base import TrackerBaseView
from app.notifications.mailcatcher import list_caught, message_parts, read_caught
from app.people.roles import Permission

# An email's HTML shown as a mail client would: its inline styles, nothing that runs, nothing fetched.
EMAIL_HTML_POLICY = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; "
                     "form-action 'none'; sandbox")


class MailCatcherView(TrackerBaseView):
    """The local SMTP sink's messages, newest first."""

    read_permission = Permission.MANAGE_OUTBOX

    def _directory(self) -> Path:
        return Path(current_app.config["MAIL_CATCHER_DIR"])

    @expose("/")
    def index(self):
        return self.render("admin/mailcatcher/list.html", messages=list_caught(self._directory()),
                           directory=self._directory())

    @expose("/message/")
    def message(self):
        try:
            message = read_caught(self._directory(), request.args.get("id", ""))
        except (ValueError, OSError):
            abort(404)
        return self.render("admin/mailcatcher/message.html", message=message, parts=message_parts(message),
                           mail_id=request.args.get("id"))

    @expose("/html/")
    def html(self):
        """The HTML part alone, for the frame on the message page: inline styles allowed, no script at all."""
        try:
            message = read_caught(self._directory(), request.args.get("id", ""))
        except (ValueError, OSError):
            abort(404)
        response = Response(message_parts(message)["html"], mimetype="text/html")
        response.headers["Content-Security-Policy"] = EMAIL_HTML_POLICY
        response.headers["X-Frame-Options"] = "SAMEORIGIN"
        return response
