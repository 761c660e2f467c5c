"""The four roles and what each may do. The one place a permission is decided."""

from __future__ import annotations

from enum import StrEnum


class Permission(StrEnum):
    """Something a user may be allowed to do (always within their scope)."""

    READ_REVIEWS = "read_reviews"
    EDIT_REVIEWS = "edit_reviews"  # create, edit, close, convert
    POST_UPDATES = "post_updates"  # add timeline entries
    DELETE_REVIEWS = "delete_reviews"
    REOPEN_REVIEWS = "reopen_reviews"
    SNOOZE_REMINDERS = "snooze_reminders"
    EXPORT = "export"
    IMPORT = "import"
    REPORTS = "reports"
    MANAGE_USERS = "manage_users"
    MANAGE_REFERENCE = "manage_reference"
    READ_AUDIT = "read_audit"
    MANAGE_OUTBOX = "manage_outbox"
    SIGN_OFF_RETURNS = "sign_off_returns"  # sign off a period's return (app/reports/returns.py)


P = Permission

ROLES: dict[str, dict] = {
    "national_admin": {
        "label": "National admin",
        "description": "National team: sees everything; manages users, reference data and settings.",
        "permissions": frozenset(Permission),
    },
    "regional_lead": {
        "label": "Regional lead",
        "description": "Regional safeguarding lead: reads every review in the region and posts updates.",
        "permissions": frozenset({P.READ_REVIEWS, P.POST_UPDATES, P.EXPORT, P.REPORTS}),
    },
    "designated_professional": {
        "label": "Designated professional",
        "description": (
            "Designated professional (or delegate): creates and keeps up to date their organisation's reviews."
        ),
        "permissions": frozenset(
            {P.READ_REVIEWS, P.EDIT_REVIEWS, P.POST_UPDATES, P.SNOOZE_REMINDERS, P.EXPORT, P.IMPORT, P.REPORTS}
        ),
    },
    "viewer": {
        "label": "Viewer",
        "description": "Analyst / governance viewer: reads, reports and exports within scope.",
        "permissions": frozenset({P.READ_REVIEWS, P.EXPORT, P.REPORTS}),
    },
}

ROLE_NAMES = tuple(ROLES)

# Roles whose scope may not be narrower than this kind of node.
ROLE_SCOPE_KINDS: dict[str, frozenset[str]] = {
    "national_admin": frozenset({"england"}),
    "regional_lead": frozenset({"region"}),
    "designated_professional": frozenset({"icb", "location"}),
    "viewer": frozenset({"england", "region", "icb", "location"}),
}


class UnknownRole(LookupError):
    """Not one of the four roles."""


def check_role(name: str) -> str:
    """Return the role name if it exists, else raise UnknownRole with the list of roles."""
    if name not in ROLES:
        raise UnknownRole(f"{name!r} is not a role (roles: {', '.join(ROLE_NAMES)})")
    return name


def role_permissions(role_name: str | None) -> frozenset[Permission]:
    """The permissions of a role (none for an unknown or missing role)."""
    return ROLES.get(role_name or "", {}).get("permissions", frozenset())


def can(user, permission: Permission) -> bool:
    """Whether a signed-in, active user has a permission."""
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "active", False):
        return False
    return permission in role_permissions(getattr(user, "role_name", None))
