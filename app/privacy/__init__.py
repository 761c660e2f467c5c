"""The patient-identifiable-data guard (see docs/PII_GUARD.md)."""

from app.privacy.guard import KINDS, FieldFinding, Finding, check_fields, scan_text

__all__ = ["KINDS", "FieldFinding", "Finding", "check_fields", "scan_text"]
