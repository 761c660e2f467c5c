"""Two-factor sign-in rules: who must use a second factor, enrolling a known authenticator key, resetting it."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime

from passlib.totp import TOTP
from sqlalchemy import delete
from sqlalchemy.orm import Session

from app.audit.service import record
from app.people.actor import Actor, NotAllowed, require_user_admin
from app.people.models import User, WebAuthn


def sealed_totp_secret(base32_key: str, *, totp_secrets: Mapping[str, str], issuer: str) -> str:
    """The encrypted form Flask-Security-Too stores for an authenticator key given in base32."""
    factory = TOTP.using(issuer=issuer, secrets=dict(totp_secrets))
    return factory(key=base32_key, format="base32").to_json(encrypt=True)


def enrol_authenticator(
    session: Session,
    *,
    user: User,
    base32_key: str,
    totp_secrets: Mapping[str, str],
    issuer: str,
    actor: Actor | None,
    now: datetime,
) -> None:
    """Enrol an authenticator app with a known key (demo accounts and tests only; users enrol on screen)."""
    user.tf_totp_secret = sealed_totp_secret(base32_key, totp_secrets=totp_secrets, issuer=issuer)
    user.tf_primary_method = "authenticator"
    user.tf_totp_last_step = None
    session.flush()
    record(session, action="user.two_factor_enrolled", actor=actor, now=now, entity="user", entity_id=user.id,
           user_id=user.id, user_email=user.email, detail="authenticator app (known key)")


def two_factor_summary(user: User) -> str:
    """What second factors a user has, for the user admin screen."""
    parts = []
    if user.tf_primary_method:
        parts.append("authenticator app")
    keys = len(user.webauthn or [])
    if keys:
        parts.append(f"{keys} security key{'s' if keys > 1 else ''}")
    codes = len(user.mf_recovery_codes or [])
    if codes:
        parts.append(f"{codes} recovery code{'s' if codes > 1 else ''}")
    return ", ".join(parts) or "none"


def reset_two_factor(session: Session, *, user: User, actor: Actor | None, now: datetime) -> bool:
    """Remove every second factor (lost phone, no recovery code) and sign the user out everywhere (audited).

    The user sets up a new second factor at their next sign-in when their role requires one. A national admin
    resets another user's, never their own (another admin checks who is asking).
    """
    require_user_admin(actor)
    if actor is not None and actor.user_id == user.id:
        raise NotAllowed("You cannot reset your own two-factor sign-in: ask another national admin.")
    before = two_factor_summary(user)
    if before == "none":
        return False
    user.tf_primary_method = None
    user.tf_totp_secret = None
    user.tf_phone_number = None
    user.tf_totp_last_step = None
    user.mf_recovery_codes = None
    session.execute(delete(WebAuthn).where(WebAuthn.user_id == user.id))
    user.fs_uniquifier = uuid.uuid4().hex
    session.flush()
    session.expire(user, ["webauthn"])
    record(session, action="user.two_factor_reset", actor=actor, now=now, entity="user", entity_id=user.id,
           changes={"two_factor": [before, "none"]}, detail=f"two-factor removed for {user.email}")
    return True
