"""The password policy: length, the shipped common-password list, and an offline strength check (zxcvbn)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from flask_security import PasswordUtil
from zxcvbn import zxcvbn

MIN_LENGTH = 12
MAX_LENGTH = 128
MIN_SCORE = 3
ZXCVBN_MAX = 72
# Context-specific words (ASVS 6.1.2 / 6.2.11): a password built only from these, digits and symbols is refused,
# and zxcvbn sees them as known words. Lower case; longest first so "safeguarding" goes before "guard".
CONTEXT_WORDS = tuple(sorted({
    "safeguarding", "safeguard", "tracker", "casereview", "case", "review", "reviews", "scrt", "nhs", "england",
    "nhsengland", "icb", "subicb", "ccg", "region", "regional", "national", "designated", "professional", "lead",
    "admin", "administrator", "viewer", "password", "passw0rd", "welcome", "letmein", "sar", "dhr", "cspr", "rapid",
}, key=lambda w: (-len(w), w)))
MIN_OWN_LETTERS = 6
COMMON_PASSWORDS_FILE = Path(__file__).resolve().parents[2] / "data" / "lists" / "common_passwords_top10k.txt"


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The NCSC / Have I Been Pwned top 10,000 passwords, lower-cased (see data/lists/SOURCES.md)."""
    with COMMON_PASSWORDS_FILE.open(encoding="utf-8") as fh:
        return frozenset(line.strip().lower() for line in fh if line.strip())


def password_problems(password: str, *, user_inputs: list[str] | tuple[str, ...] = ()) -> list[str]:
    """Why a password is not acceptable (empty when it is). No composition rules; never echoes it."""
    problems: list[str] = []
    if len(password) < MIN_LENGTH:
        problems.append(f"Use at least {MIN_LENGTH} characters.")
        return problems
    if len(password) > MAX_LENGTH:
        problems.append(f"Use at most {MAX_LENGTH} characters.")
        return problems
    if password.strip().lower() in common_passwords():
        problems.append("This password is on a list of commonly used, breached passwords.")
        return problems
    if _only_context_words(password):
        problems.append("This password is made of words about this service (such as its name): choose other words.")
        return problems
    # zxcvbn raises past 72 characters; the first 72 of a longer passphrase are enough to judge it.
    result = zxcvbn(password[:ZXCVBN_MAX], user_inputs=[*CONTEXT_WORDS, *(u for u in user_inputs if u)])
    if result["score"] < MIN_SCORE:
        hint = result["feedback"].get("warning") or "It would be easy to guess."
        problems.append(f"This password is too weak. {hint} Try a longer phrase of unrelated words.")
    return problems


def _only_context_words(password: str) -> bool:
    letters = "".join(ch for ch in password.lower() if ch.isalpha())
    for word in CONTEXT_WORDS:
        letters = letters.replace(word, "")
    return len(letters) < MIN_OWN_LETTERS


class PolicyPasswordUtil(PasswordUtil):
    """Flask-Security-Too's password validation replaced by this policy (change, reset, admin and CLI alike)."""

    def validate(self, password: str, is_register: bool, **kwargs) -> tuple[list[str] | None, str]:
        """Normalise, then check the password against the policy and the user's own details."""
        normalised = self.normalize(password)
        user = kwargs.get("user")
        inputs = [getattr(user, "email", None) or kwargs.get("email") or "", getattr(user, "full_name", None) or ""]
        return password_problems(normalised, user_inputs=inputs) or None, normalised
