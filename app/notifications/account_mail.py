"""Account emails (password reset, invitation, password and email changes, two-factor help) as outbox emails.

Flask-Security-Too renders them inside a request, with links built from that request's address; a forged
`Host` or `X-Forwarded-Host` would put an attacker's site into a reset link. Every link is therefore moved
onto BASE_URL here, whatever address the request came in on, and an email that still links to the request's
host after that is refused rather than queued. Emails holding a single-use link (reset, invitation,
email change) keep no copy of it once sent.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from markupsafe import escape
from sqlalchemy.orm import Session

from app.notifications.outbox import Email, enqueue

# Flask-Security-Too's template name -> the outbox kind (what the outbox screen filters by).
TEMPLATE_KINDS = {
    "reset_instructions": "password_reset",
    "reset_notice": "password_reset_notice",
    "change_notice": "password_changed",
    "change_email_instructions": "email_change",
    "two_factor_rescue": "two_factor_help",
}
INVITATION = "invitation"
OTHER_ACCOUNT_EMAIL = "account"
# bandit B105 reads the password kinds' labels as passwords; they are headings (# nosec on each).
KIND_LABELS = {
    INVITATION: "Invitation (set your password)",
    "password_reset": "Password reset link",  # nosec B105
    "password_reset_notice": "Password was reset",  # nosec B105
    "password_changed": "Password was changed",  # nosec B105
    "email_change": "Email change link",
    "two_factor_help": "Two-factor help request",
    OTHER_ACCOUNT_EMAIL: "Account email",
}
# Kinds whose link signs someone into an account: the outbox never shows it and drops it once sent.
SINGLE_USE_LINK_KINDS = frozenset({INVITATION, "password_reset", "email_change"})
LINK_REMOVED = "(This email held a single-use link; the outbox keeps no copy of it once sent.)"


class LinkNotFromBaseUrl(RuntimeError):
    """An account email still links to the request's host after its links were moved onto BASE_URL."""


def on_base_url(text: str | None, *, request_root: str, base_url: str) -> str:
    """`text` with every link to `request_root` (the request's own address) pointing at BASE_URL instead."""
    text = text or ""
    base_root = base_url.rstrip("/") + "/"
    if request_root == base_root:
        return text
    return text.replace(request_root, base_root).replace(str(escape(request_root)), base_root)


def account_email(
    *,
    template: str,
    subject: str,
    recipient: str,
    user_id: int | None,
    text: str | None,
    html: str | None,
    request_root: str,
    base_url: str,
    kind: str | None = None,
) -> Email:
    """The outbox email for one Flask-Security-Too message, its links on BASE_URL (LinkNotFromBaseUrl otherwise)."""
    text = on_base_url(text, request_root=request_root, base_url=base_url)
    html = on_base_url(html, request_root=request_root, base_url=base_url)
    request_host = request_root.split("://", 1)[-1].split("/", 1)[0]
    base_host = base_url.split("://", 1)[-1].split("/", 1)[0]
    if request_host != base_host and any(f"://{host}" in part for host in {request_host, str(escape(request_host))}
                                         for part in (text, html)):
        raise LinkNotFromBaseUrl(f"the {template} email still links to the request's host {request_host!r}")
    name = template.rsplit("/", 1)[-1]  # "security/email/reset_instructions"
    return Email(kind=kind or TEMPLATE_KINDS.get(name, OTHER_ACCOUNT_EMAIL), to_address=recipient,
                 to_user_id=user_id, subject=subject, text=text, html=html or f"<pre>{escape(text)}</pre>")


def queue_account_email(session: Session, email: Email, *, now: datetime) -> int:
    """Add an account email to the outbox in the caller's transaction; returns its id (each one is sent)."""
    outbox_id = enqueue(session, dedup_key=f"account:{email.kind}:{uuid.uuid4().hex}", email=email, now=now)
    if outbox_id is None:  # a fresh random key never collides; if it ever did, the mail must not be lost silently
        raise RuntimeError("the outbox refused a fresh account email key")
    return outbox_id


def after_sending(kind: str) -> dict[str, str]:
    """What the relay writes over a sent email of this kind: the bodies, when they held a single-use link."""
    if kind in SINGLE_USE_LINK_KINDS:
        return {"body_text": LINK_REMOVED, "body_html": f"<p>{LINK_REMOVED}</p>"}
    return {}
