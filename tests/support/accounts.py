"""Test accounts, one per role and scope shape, created once in the template database.

Accounts whose role must sign in with two factors (national admins, regional leads) are enrolled with a known
authenticator key, TOTP_KEY, so tests complete the second factor with a real code (tests/support/web.py).
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy.orm import Session

from app.people.service import create_user
from app.people.twofactor import enrol_authenticator
from app.types import utcnow

PASSWORD = "quartz-meadow-violin-2291"
# A test-only authenticator key (base32). Never used outside the test database.
TOTP_KEY = "KRSXG5CUN5RGK3DMMFWGKQ3PMRSVI2LN"

# name: (email, role, scope)
ACCOUNTS: dict[str, tuple[str, str, str]] = {
    "national": ("national@example.com", "national_admin", "ENG"),
    "lead_london": ("lead.london@example.com", "regional_lead", "Y56"),
    "lead_midlands": ("lead.midlands@example.com", "regional_lead", "Y60"),
    "dp_ncl": ("dp.ncl@example.com", "designated_professional", "QMJ"),
    "dp_notts": ("dp.notts@example.com", "designated_professional", "QT1"),
    "dp_bassetlaw": ("dp.bassetlaw@example.com", "designated_professional", "02Q"),
    "viewer_midlands": ("viewer.midlands@example.com", "viewer", "Y60"),
    "viewer_national": ("viewer.national@example.com", "viewer", "ENG"),
}


def create_accounts(session: Session) -> None:
    """Create every test account (cheap: strength checks skipped, the test config hashes quickly)."""
    config = current_app.config
    for email, role, scope in ACCOUNTS.values():
        user = create_user(session, email=email, role=role, scope_code=scope, password=PASSWORD, actor=None,
                           now=utcnow(), check_strength=False)
        if role in config["TWO_FACTOR_REQUIRED_ROLES"]:
            enrol_authenticator(session, user=user, base32_key=TOTP_KEY, totp_secrets=config["SECURITY_TOTP_SECRETS"],
                                issuer=config["SECURITY_TOTP_ISSUER"], actor=None, now=utcnow())
