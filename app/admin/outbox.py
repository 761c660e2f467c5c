"""The outbox (national admins): every email, newest first, filterable by status and kind; retry a failed one."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_admin.contrib.sqla import filters as sqla_filters
from markupsafe import Markup

from app.admin.base import ScopedModelView
from app.extensions import db
from app.notifications.account_mail import KIND_LABELS as ACCOUNT_KIND_LABELS
from app.notifications.account_mail import SINGLE_USE_LINK_KINDS
from app.notifications.models import OUTBOX_STATUSES, OutboxMessage
from app.notifications.retry import RetryRefused, retry_email
from app.people.actor import NotAllowed
from app.people.roles import Permission
from app.types import utcnow

KINDS = ["stale_reminder", "stale_escalation", "chaser", "digest_weekly", "digest_monthly", "digest_quarterly",
         *ACCOUNT_KIND_LABELS]
STATUS_BADGE = {"pending": "badge-info", "sending": "badge-warning", "sent": "badge-success", "failed": "badge-danger"}


def _status(view, context, model: OutboxMessage, name) -> Markup:
    return Markup('<span class="badge {} outbox-{}">{}</span>').format(STATUS_BADGE[model.status], model.status,
                                                                      model.status)


def _when(view, context, model: OutboxMessage, name) -> str:
    value = getattr(model, name)
    return value.strftime("%d %b %Y %H:%M:%S") if value else ""


def _body(view, context, model: OutboxMessage, name) -> str:
    """A reset, invitation or email-change link signs someone in: the outbox screen never shows it."""
    if model.kind in SINGLE_USE_LINK_KINDS:
        return "(not shown: this email holds a single-use sign-in link)"
    return model.body_text


def _error(view, context, model: OutboxMessage, name) -> str:
    error = model.last_error or ""
    return error if len(error) <= 80 else error[:77] + "..."


class OutboxView(ScopedModelView):
    """Read-only: emails are written by the jobs and sent by the relay. A failed email can be retried."""

    read_permission = Permission.MANAGE_OUTBOX
    write_permission = None
    delete_permission = None
    can_export = False
    details_template = "admin/outbox/details.html"
    column_list = ["id", "created_at", "kind", "recipient_address", "subject", "status", "attempts", "sent_at",
                   "last_error"]
    column_details_list = ["id", "dedup_key", "kind", "recipient_address", "subject", "status", "attempts",
                           "created_at", "next_attempt_at", "claimed_at", "sent_at", "last_error", "body_text"]
    column_labels = {"id": "No.", "created_at": "Queued (UTC)", "kind": "Kind", "recipient_address": "To",
                     "subject": "Subject", "status": "Status", "attempts": "Attempts",
                     "next_attempt_at": "Next attempt (UTC)", "sent_at": "Sent (UTC)", "last_error": "Last error",
                     "dedup_key": "De-duplication key", "claimed_at": "Claimed (UTC)", "body_text": "Text"}
    column_formatters = {"status": _status, "created_at": _when, "sent_at": _when, "next_attempt_at": _when,
                         "claimed_at": _when, "last_error": _error}
    column_formatters_detail = {"status": _status, "created_at": _when, "sent_at": _when,
                                "next_attempt_at": _when, "claimed_at": _when, "body_text": _body}
    column_default_sort = ("id", True)
    column_sortable_list = ["id", "created_at", "status", "kind"]
    column_searchable_list = ["recipient_address"]
    named_filter_urls = True
    column_filters = [
        sqla_filters.FilterEqual(OutboxMessage.status, "Status", options=[(s, s) for s in OUTBOX_STATUSES]),
        sqla_filters.FilterEqual(OutboxMessage.kind, "Kind", options=[(k, k) for k in KINDS]),
        sqla_filters.FilterLike(OutboxMessage.recipient_address, "To"),
    ]

    def __init__(self, session, **kwargs):
        super().__init__(OutboxMessage, session, **kwargs)

    @expose("/retry/", methods=["POST"])
    def retry_view(self):
        """Put a failed email back in the queue (audited)."""
        message = self.get_one(request.form.get("id", ""))
        try:
            retry_email(db.session, message=message, actor=self.actor, now=utcnow())
            db.session.commit()
        except NotAllowed:
            db.session.rollback()
            abort(403)
        except RetryRefused as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            flash(f"Email #{message.id} is queued again: the relay sends it within a minute.", "success")
        return redirect(url_for(".details_view", id=message.id))

    def _handle_view(self, name, **kwargs):
        if name == "retry_view" and request.method != "POST":
            abort(405)
        return super()._handle_view(name, **kwargs)
