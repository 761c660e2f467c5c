"""Flask-Security-Too's emails through the outbox, sent after the answer to the request has gone.

Every account email (app/notifications/account_mail.py) is written to the outbox in the request's transaction
and committed with it; once the answer is sent (the response's call_on_close), this process tries to send it at
once, and when SMTP is down the relay retries it on its schedule. A password-reset request does the same work
for a known and an unknown address: the form answers both as unknown, and the link is made, queued and sent
after the answer (`send_reset_instructions_after_response`), in a request context on BASE_URL.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from flask import Flask, after_this_request, current_app, g, has_request_context, request
from flask_security import ForgotPasswordForm, MailUtil
from flask_security.recoverable import send_reset_password_instructions

from app.extensions import db
from app.notifications.account_mail import INVITATION, account_email, queue_account_email
from app.notifications.relay import send_now
from app.notifications.settings import NotificationSettings
from app.people.models import User
from app.types import utcnow


class OutboxMailUtil(MailUtil):
    """Flask-Security-Too's MailUtil: queue the rendered email in the outbox instead of sending it in the request."""

    def send_mail(self, template, subject, recipient, sender, body, html, **kwargs) -> None:
        """Queue one email (its links moved onto BASE_URL); it is committed and sent after the response."""
        base_url = current_app.config["BASE_URL"]
        user = kwargs.get("user")
        email = account_email(template=template, subject=str(subject), recipient=str(recipient),
                              user_id=getattr(user, "id", None), text=body, html=html, kind=g.get("account_mail_kind"),
                              request_root=request.root_url if has_request_context() else base_url + "/",
                              base_url=base_url)
        queued = g.setdefault("account_mail_ids", [])
        if not queued and not g.get("account_mail_deferred"):
            after_this_request(_commit_and_send_after_response)
        queued.append(queue_account_email(db.session, email, now=utcnow()))


def _commit_and_send_after_response(response):
    """Commit the queued emails with the request's work (a failed request queues nothing), send them once answered."""
    if response.status_code >= 400:
        db.session.rollback()
        return response
    db.session.commit()
    ids, app = list(g.account_mail_ids), current_app._get_current_object()
    response.call_on_close(lambda: send_queued(app, ids))
    return response


def send_queued(app: Flask, ids: list[int]) -> None:
    """Try to send these outbox emails now (their own app context); whatever fails waits for the relay."""
    with app.app_context():
        try:
            report = send_now(db.session, ids, now=utcnow(), settings=NotificationSettings.from_config(app.config))
            if report.retrying or report.failed:
                app.logger.warning("account email(s) %s not sent yet: the relay retries them",
                                   report.retrying + report.failed)
        except Exception as exc:  # the answer is gone: log one line, the relay sends them later
            db.session.rollback()
            app.logger.warning("account email(s) %s left for the relay: %s: %s", ids, type(exc).__name__, exc)
        finally:
            db.session.remove()


def after_the_response(action: Callable[[], None]) -> None:
    """Run `action` once the answer to this request has been sent (outside the request's contexts)."""

    @after_this_request
    def _later(response):
        response.call_on_close(action)
        return response


def send_reset_instructions_after_response(user: User) -> None:
    """Make, queue and send a reset link for `user` after the answer (the request itself does no more work)."""
    app, user_id = current_app._get_current_object(), user.id
    after_the_response(lambda: _send_reset_instructions(app, user_id))


def _send_reset_instructions(app: Flask, user_id: int) -> None:
    with app.app_context(), app.test_request_context(base_url=app.config["BASE_URL"]):
        g.account_mail_deferred = True
        try:
            user = db.session.get(User, user_id)
            if user is None or not user.active or user.is_locked():
                return
            send_reset_password_instructions(user)
            db.session.commit()
            ids = list(g.get("account_mail_ids", []))
        except Exception as exc:  # the answer is gone: log one line; the user can ask again
            db.session.rollback()
            app.logger.warning("password reset email for user %s not queued: %s: %s", user_id, type(exc).__name__, exc)
            return
        finally:
            db.session.remove()
    send_queued(app, ids)


class ResetRequestForm(ForgotPasswordForm):
    """The reset request answers a known address exactly as an unknown one (same work, same page), and sends the
    link after the answer. Flask-Security-Too then takes its generic-response path for both."""

    def validate(self, **kwargs) -> bool:
        """Check the address as Flask-Security-Too does; a known, active, unlocked one gets its link later."""
        if super().validate(**kwargs):
            send_reset_instructions_after_response(self.user)
        return False


@contextmanager
def account_mail_kind(kind: str) -> Iterator[None]:
    """Queue the emails sent inside the block under `kind` (an invitation is Flask-Security-Too's reset email)."""
    g.account_mail_kind = kind
    try:
        yield
    finally:
        g.pop("account_mail_kind", None)


def send_invitation(user: User) -> None:
    """Queue a set-your-password email for a new user, in the caller's transaction (commit it with the user)."""
    with account_mail_kind(INVITATION):
        send_reset_password_instructions(user)
