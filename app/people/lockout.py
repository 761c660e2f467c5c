"""Account lockout: LOCKOUT_THRESHOLD failed attempts within LOCKOUT_WINDOW lock an account for LOCKOUT_PERIOD.

Every failed password, authenticator code, security key or recovery code counts (Flask-Security-Too calls
User.track_failed_authn). A locked account cannot sign in or ask for a password reset until the lock
expires or a national admin unlocks it. Locks and unlocks are audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from app.audit.service import record
from app.people.actor import Actor, require_user_admin
from app.people.models import SignInFailure, User
from app.people.signin_rules import account_locked


@dataclass(frozen=True)
class LockoutPolicy:
    """How many failures, over what sliding window, lock an account for how long."""

    threshold: int = 10
    window: timedelta = timedelta(minutes=15)
    period: timedelta = timedelta(minutes=30)

    @classmethod
    def from_config(cls, config) -> LockoutPolicy:
        """The policy configured in config/settings.py (LOCKOUT_*)."""
        return cls(threshold=config["LOCKOUT_THRESHOLD"], window=config["LOCKOUT_WINDOW"],
                   period=config["LOCKOUT_PERIOD"])


def recent_failures(session: Session, *, user: User, now: datetime, policy: LockoutPolicy) -> int:
    """Failed attempts for the account within the sliding window ending at `now`."""
    return session.scalar(select(func.count()).select_from(SignInFailure).where(
        SignInFailure.user_id == user.id, SignInFailure.occurred_at > now - policy.window)) or 0


def register_failure(
    session: Session,
    *,
    user: User,
    kind: str,
    now: datetime,
    policy: LockoutPolicy,
    remote_addr: str | None = None,
) -> bool:
    """Count one failed attempt; lock the account when it reaches the threshold. True when this locked it."""
    session.add(SignInFailure(user_id=user.id, occurred_at=now, kind=kind[:20], remote_addr=remote_addr))
    # Rows older than the window can never count again.
    session.execute(delete(SignInFailure).where(SignInFailure.user_id == user.id,
                                                SignInFailure.occurred_at <= now - policy.window))
    session.flush()
    if account_locked(user, now=now):
        return False
    failures = recent_failures(session, user=user, now=now, policy=policy)
    if failures < policy.threshold:
        return False
    user.locked_until = now + policy.period
    record(session, action="user.locked", actor=None, now=now, entity="user", entity_id=user.id,
           user_id=user.id, user_email=user.email, remote_addr=remote_addr,
           detail=f"locked until {user.locked_until.isoformat(timespec='minutes')} after {failures} failed attempts "
                  f"in {int(policy.window.total_seconds() // 60)} minutes")
    return True


def unlock_user(session: Session, *, user: User, actor: Actor | None, now: datetime) -> bool:
    """Lift a lock and forget the failures that caused it (audited). False when the account was not locked."""
    require_user_admin(actor)
    was_locked = account_locked(user, now=now)
    session.execute(delete(SignInFailure).where(SignInFailure.user_id == user.id))
    user.locked_until = None
    session.flush()
    if was_locked:
        record(session, action="user.unlocked", actor=actor, now=now, entity="user", entity_id=user.id,
               detail=f"unlocked {user.email}")
    return was_locked
