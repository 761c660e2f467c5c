"""What any stored text may contain: the one character rule every path shares (forms, imports, the command line)."""

from __future__ import annotations

NUL = "\x00"
NUL_MESSAGE = "contains a character that cannot be stored (a NUL byte, \\0): remove it and try again."


def has_nul(value: object) -> bool:
    """Whether a text value holds a NUL byte (PostgreSQL cannot store one; it is never meant as text)."""
    return isinstance(value, str) and NUL in value
