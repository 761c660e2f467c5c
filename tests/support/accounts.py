"""Test accounts, one per role and scope shape, created once in the template database."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.people.service import create_user
from app.types import utcnow

PASSWORD = "quartz-meadow-violin-2291"

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
    for email, role, scope in ACCOUNTS.values():
        create_user(session, email=email, role=role, scope_code=scope, password=PASSWORD, actor=None, now=utcnow(),
                    check_strength=False)
