"""Who is acting: the user (or a named system process), their role, scope and address. Passed to services."""

from __future__ import annotations

from dataclasses import dataclass

from app.orgs.scope import Scope
from app.people.roles import Permission, role_permissions


@dataclass(frozen=True)
class Actor:
    """The acting user as services see it: no request, no Flask-Login proxy."""

    user_id: int | None
    email: str
    role: str | None
    scope: Scope
    remote_addr: str | None = None

    @property
    def label(self) -> str:
        """How the actor is shown as an author."""
        return self.email

    def can(self, permission: Permission) -> bool:
        """Whether the actor's role has a permission."""
        return permission in role_permissions(self.role)


class NotAllowed(PermissionError):
    """The actor may not do this (role or scope)."""


def require(actor: Actor, permission: Permission) -> None:
    """Raise NotAllowed unless the actor's role has the permission."""
    if not actor.can(permission):
        raise NotAllowed(f"your role does not allow this ({permission.value.replace('_', ' ')})")


def require_user_admin(actor: Actor | None) -> None:
    """Refuse (NotAllowed) a person without the user-management permission. None is the command line or set-up code
    run on the server itself (`flask users create`, demo data, tests' fixtures), recorded as "system" in the audit."""
    if actor is not None:
        require(actor, Permission.MANAGE_USERS)


def system_actor(scope: Scope, name: str = "system") -> Actor:
    """An actor for command-line and background work, with national-admin rights within the given scope."""
    return Actor(user_id=None, email=name, role="national_admin", scope=scope, remote_addr=None)
