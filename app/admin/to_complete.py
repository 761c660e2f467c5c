"""The "To complete" screen: imported reviews that still lack a required field, in the reader's scope."""

from __future__ import annotations

from flask import request
from flask_admin import expose

from app.admin.base import TrackerBaseView
from app.extensions import db
from app.imports.worklist import PAGE_SIZE, worklist
from app.people.roles import Permission


class ToCompleteView(TrackerBaseView):
    """The worklist of reviews to complete (opened from the import report and the stale reminders)."""

    read_permission = Permission.READ_REVIEWS

    @expose("/")
    def index(self):
        try:
            page = max(int(request.args.get("page", "0")), 0)
        except ValueError:
            page = 0
        page = min(page, 10_000)
        items, total = worklist(db.session, self.actor.scope, page=page)
        return self.render("admin/to_complete/index.html", items=items, total=total, page=page,
                           pages=(total + PAGE_SIZE - 1) // PAGE_SIZE, actor=self.actor,
                           can_edit=self.actor.can(Permission.EDIT_REVIEWS))
