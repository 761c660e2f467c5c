"""The audit trail screen (national admins): read-only, filterable by review, user, action and date."""

from __future__ import annotations

from flask_admin.contrib.sqla import filters as sqla_filters

from app.admin.base import ScopedModelView
from app.audit.models import AuditEvent
from app.people.roles import Permission


class AuditView(ScopedModelView):
    """Every audited action, newest first. Nothing here can change or delete a row."""

    read_permission = Permission.READ_AUDIT
    write_permission = None
    delete_permission = None
    can_export = False
    column_list = ["occurred_at", "action", "actor_email", "remote_addr", "entity", "entity_id", "review_id",
                   "detail"]
    column_details_list = [*column_list, "review_version", "changes"]
    column_labels = {"occurred_at": "When (UTC)", "action": "Action", "actor_email": "Who", "remote_addr": "From",
                     "entity": "Record type", "entity_id": "Record", "review_id": "Review", "detail": "Detail",
                     "review_version": "Review version", "changes": "Changes (before, after)"}
    column_default_sort = [("occurred_at", True), ("id", True)]
    column_sortable_list = ["occurred_at", "action", "actor_email"]
    named_filter_urls = True
    column_filters = [
        sqla_filters.IntEqualFilter(AuditEvent.review_id, "Review"),
        sqla_filters.FilterLike(AuditEvent.actor_email, "User"),
        sqla_filters.FilterEqual(AuditEvent.actor_email, "User"),
        sqla_filters.FilterLike(AuditEvent.action, "Action"),
        sqla_filters.DateTimeBetweenFilter(AuditEvent.occurred_at, "When"),
        sqla_filters.DateTimeGreaterFilter(AuditEvent.occurred_at, "When"),
        sqla_filters.DateTimeSmallerFilter(AuditEvent.occurred_at, "When"),
    ]

    def __init__(self, session, **kwargs):
        super().__init__(AuditEvent, session, **kwargs)
