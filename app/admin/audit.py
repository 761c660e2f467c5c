"""The audit trail screen (national admins): read-only, filterable by review, user, action and date."""

from __future__ import annotations

from datetime import UTC

from flask_admin.contrib.sqla import filters as sqla_filters
from markupsafe import Markup

from app.admin.base import ScopedModelView
from app.admin.formatting import change_value, uk_datetime
from app.audit.models import AuditEvent
from app.audit.service import action_label
from app.people.roles import Permission
from app.reviews.fields import label as field_label


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


def _action(view, context, model, name) -> Markup:
    return Markup('<span data-action="{}">{}</span>').format(model.action, action_label(model.action))


def _changes(view, context, model, name) -> Markup:
    if not model.changes:
        return Markup("")
    item = Markup("<li>{}: {} → {}</li>")
    return Markup('<ul class="nhsuk-list nhsuk-list--bullet history-changes">{}</ul>').format(Markup("").join(
        item.format(field_label(k), change_value(k, v[0]), change_value(k, v[1])) for k, v in model.changes.items()))


class AuditView(ScopedModelView):
    """Every audited action, newest first. Nothing here can change or delete a row."""

    read_permission = Permission.READ_AUDIT
    write_permission = None
    delete_permission = None
    can_export = False
    column_list = ["occurred_at", "action", "actor_email", "remote_addr", "entity", "entity_id", "review_id",
                   "detail"]
    column_details_list = [*column_list, "review_version", "changes"]
    column_labels = {"occurred_at": "When", "action": "Action", "actor_email": "Who", "remote_addr": "From",
                     "entity": "Record type", "entity_id": "Record", "review_id": "Review", "detail": "Detail",
                     "review_version": "Review version", "changes": "Changes (before, after)"}
    column_default_sort = [("occurred_at", True), ("id", True)]
    column_formatters = {"occurred_at": lambda v, c, m, n: uk_datetime(m.occurred_at), "action": _action}
    column_formatters_detail = {**column_formatters, "changes": _changes}
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
