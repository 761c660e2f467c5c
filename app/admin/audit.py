"""The audit trail screen (national admins): read-only, filterable by review, user, action and date."""

from __future__ import annotations

from datetime import UTC

from flask_admin.contrib.sqla import filters as sqla_filters

from app.admin.base import ScopedModelView
from app.audit.models import AuditEvent
from app.people.roles import Permission


def _utc(value):
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


class UtcAfter(sqla_filters.DateTimeGreaterFilter):
    """'When' after a time typed in UTC (the trail stores aware UTC timestamps)."""

    def clean(self, value):
        return _utc(super().clean(value))


class UtcBefore(sqla_filters.DateTimeSmallerFilter):
    """'When' before a time typed in UTC."""

    def clean(self, value):
        return _utc(super().clean(value))


class UtcBetween(sqla_filters.DateTimeBetweenFilter):
    """'When' between two times typed in UTC."""

    def clean(self, value):
        return [_utc(v) for v in super().clean(value)]


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
        UtcBetween(AuditEvent.occurred_at, "When"),
        UtcAfter(AuditEvent.occurred_at, "When"),
        UtcBefore(AuditEvent.occurred_at, "When"),
    ]

    def __init__(self, session, **kwargs):
        super().__init__(AuditEvent, session, **kwargs)
