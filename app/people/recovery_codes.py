"""Recovery codes that count wrong guesses towards the lockout and audit their use and creation."""

from __future__ import annotations

from flask import request
from flask_security.recovery_codes import MfRecoveryCodesUtil

from app.audit.service import record
from app.extensions import db
from app.types import utcnow


class AuditedRecoveryCodes(MfRecoveryCodesUtil):
    """Flask-Security-Too's recovery codes (stored encrypted), with lockout counting and audit events."""

    def create_recovery_codes(self, user) -> list[str]:
        """New codes replace the old ones (audited)."""
        codes = super().create_recovery_codes(user)
        _audit(user, "user.recovery_codes_created", f"{len(codes)} new recovery codes")
        return codes

    def check_recovery_code(self, user, code: str) -> bool:
        """Check a code; a wrong one is a failed attempt, a right one is audited (the view then deletes it)."""
        if super().check_recovery_code(user, code):
            _audit(user, "user.recovery_code_used", "signed in with a recovery code")
            return True
        user.track_failed_authn("recovery_code", True)
        return False


def _audit(user, action: str, detail: str) -> None:
    record(db.session, action=action, actor=None, now=utcnow(), entity="user", entity_id=user.id,
           user_id=user.id, user_email=user.email, remote_addr=request.remote_addr if request else None,
           detail=detail)
