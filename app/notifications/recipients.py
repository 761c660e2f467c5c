"""Who is told about a review: the designated professionals whose scope covers its organisation, the regional
leads of its CURRENT region, the national admins. Active users only; the one scoping rule (Scope) decides."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.orgs.scope import Scope, UnknownScope, scope_for_code
from app.people.models import Role, User

DESIGNATED_PROFESSIONAL, REGIONAL_LEAD, NATIONAL_ADMIN = "designated_professional", "regional_lead", "national_admin"


@dataclass(frozen=True)
class Recipient:
    """A user who receives email, with the scope that cuts what they are told."""

    user_id: int
    email: str
    name: str | None
    role: str
    scope: Scope
    digests_enabled: bool

    @property
    def greeting_name(self) -> str:
        """How the email greets them."""
        return self.name or "colleague"


class Directory:
    """The active recipients of one role family, loaded once per job run (scopes computed once per code)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._scopes: dict[str, Scope | None] = {}
        self._by_role: dict[str, list[Recipient]] = {}

    def scope(self, code: str) -> Scope | None:
        """The scope of a code (None for a code no longer in the tree: that user gets nothing)."""
        if code not in self._scopes:
            try:
                self._scopes[code] = scope_for_code(self.session, code)
            except UnknownScope:
                self._scopes[code] = None
        return self._scopes[code]

    def users(self, role: str) -> list[Recipient]:
        """Every active user with a role, ordered by email."""
        if role not in self._by_role:
            rows = self.session.scalars(
                select(User).join(User.roles).where(Role.name == role, User.active.is_(True)).order_by(User.email)
            ).unique()
            people = []
            for user in rows:
                scope = self.scope(user.scope_code)
                if scope is not None:
                    people.append(Recipient(user.id, user.email, user.full_name, role, scope,
                                            bool(user.digests_enabled)))
            self._by_role[role] = people
        return self._by_role[role]

    def covering(self, role: str, location_code: str) -> list[Recipient]:
        """The active users of a role whose scope covers a sub-ICB location."""
        return [r for r in self.users(role) if r.scope.covers_location(location_code)]

    def designated_professionals(self, location_code: str) -> list[Recipient]:
        """The designated professionals of a review's organisation (sub-ICB and ICB level)."""
        return self.covering(DESIGNATED_PROFESSIONAL, location_code)

    def regional_leads(self, location_code: str) -> list[Recipient]:
        """The regional leads of the region the organisation lies in today."""
        return [r for r in self.covering(REGIONAL_LEAD, location_code) if not r.scope.is_national]

    def notifiable_locations(self) -> list[str]:
        """Sub-ICB locations whose reviews reach somebody: covered by a designated professional or a regional lead
        (a scan reads only these reviews; the others would queue nothing)."""
        leads = [r for r in self.users(REGIONAL_LEAD) if not r.scope.is_national]
        people = [*self.users(DESIGNATED_PROFESSIONAL), *leads]
        return sorted({code for person in people for code in person.scope.location_codes})

    def by_email(self, email: str) -> Recipient | None:
        """A recipient of any role by email (for previews)."""
        for role in (DESIGNATED_PROFESSIONAL, REGIONAL_LEAD, NATIONAL_ADMIN):
            for person in self.users(role):
                if person.email.lower() == email.strip().lower():
                    return person
        return None
