"""Mail caught locally (development and demo): national admins read what the tracker sent."""

from __future__ import annotations

from pathlib import Path

from flask import abort, current_app, request
from flask_admin import expose

from app.admin.base import TrackerBaseView
from app.notifications.mailcatcher import list_caught, message_parts, read_caught
from app.people.roles import Permission


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
