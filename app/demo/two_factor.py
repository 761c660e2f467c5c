"""Two-factor for the demo accounts: the national and regional demo accounts get a fixed, published
authenticator key so a demo can sign in (`flask demo code` prints the current code). Development only: the
production configuration refuses demo data and refuses to serve while demo accounts exist."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from passlib.totp import TOTP
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.demo.data import DEMO_USERS
from app.people.models import User
from app.people.twofactor import enrol_authenticator

# Published on purpose (README, `flask demo load`): it protects nothing but fictional demo accounts.
DEMO_TOTP_KEY = "DEMOTRACKERKEYDEMOTRACKERKEY2345"


def enrol_demo_two_factor(
    session: Session,
    *,
    required_roles: Iterable[str],
    totp_secrets: Mapping[str, str],
    issuer: str,
    now: datetime,
) -> list[str]:
    """Give the demo accounts whose role requires two-factor the demo key (once). Returns their emails."""
    roles = set(required_roles)
    enrolled = []
    for email, role, _scope, _name in DEMO_USERS:
        if role not in roles:
            continue
        user = session.scalar(select(User).where(User.email == email))
        if user is not None and not user.tf_primary_method:
            enrol_authenticator(session, user=user, base32_key=DEMO_TOTP_KEY, totp_secrets=totp_secrets,
                                issuer=issuer, actor=None, now=now)
            enrolled.append(email)
    return enrolled


def demo_code(now: datetime) -> str:
    """The demo key's authenticator code at `now`."""
    return TOTP(key=DEMO_TOTP_KEY, format="base32").generate(time=now.timestamp()).token
