"""Managing users: create, change role or scope, enable or disable. Used by the admin and the command line."""

from __future__ import annotations

import secrets
import uuid
from datetime import datetime

from email_validator import EmailNotValidError, validate_email
from flask_security import hash_password
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.audit.service import diff, record
from app.orgs.models import ENGLAND_CODE, ENGLAND_NAME, IntegratedCareBoard, Region, SubIcbLocation
from app.orgs.scope import UnknownScope, scope_for_code
from app.people.actor import Actor, require_user_admin
from app.people.models import Role, User
from app.people.passwords import password_problems
from app.people.roles import ROLE_SCOPE_KINDS, ROLES, check_role
from app.people.security import datastore


class UserRejected(ValueError):
    """The user could not be created or changed; the message says why."""


def normalise_email(email: str) -> str:
    """A syntactically valid, lower-cased email address (UserRejected otherwise)."""
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise UserRejected(f"{email!r} is not a valid email address: {exc}") from None


def check_role_scope(session: Session, role: str, scope_code: str) -> str:
    """Validate a role and scope pair; returns the normalised scope code."""
    try:
        check_role(role)
    except LookupError as exc:
        raise UserRejected(str(exc)) from None
    try:
        scope = scope_for_code(session, scope_code)
    except UnknownScope as exc:
        raise UserRejected(str(exc)) from None
    allowed = ROLE_SCOPE_KINDS[role]
    if scope.kind not in allowed:
        kinds = " or ".join(sorted({"england": "England", "region": "a region", "icb": "an ICB",
                                    "location": "a sub-ICB location"}[k] for k in allowed))
        raise UserRejected(f"A {ROLES[role]['label'].lower()} must have {kinds} as their scope, not {scope.label}.")
    return scope.code


def ensure_roles(session: Session) -> None:
    """Create the four role rows if missing."""
    for name, info in ROLES.items():
        if session.scalar(select(Role).where(Role.name == name)) is None:
            session.add(Role(name=name, description=info["description"]))
    session.flush()


def create_user(
    session: Session,
    *,
    email: str,
    role: str,
    scope_code: str,
    password: str,
    full_name: str | None = None,
    actor: Actor | None,
    now: datetime,
    check_strength: bool = True,
    active: bool = True,
    digests_enabled: bool = True,
) -> User:
    """Create a user (active unless told otherwise) with one role and one scope node (audited, with both flags)."""
    require_user_admin(actor)
    email = normalise_email(email)
    scope_code = check_role_scope(session, role, scope_code)
    if session.scalar(select(User).where(func.lower(User.email) == email)) is not None:
        raise UserRejected(f"A user with the email {email} already exists.")
    if check_strength:
        problems = password_problems(password, user_inputs=[email, full_name or ""])
        if problems:
            raise UserRejected(" ".join(problems))
    ensure_roles(session)
    role_row = session.scalar(select(Role).where(Role.name == role))
    user = datastore.create_user(
        email=email, password=hash_password(password), roles=[role_row], scope_code=scope_code,
        full_name=full_name, active=active, digests_enabled=digests_enabled,
    )
    session.flush()
    record(session, action="user.create", actor=actor, now=now, entity="user", entity_id=user.id,
           changes={"email": [None, email], "role": [None, role], "scope_code": [None, scope_code],
                    "active": [None, active], "digests_enabled": [None, digests_enabled]})
    return user


def scope_choices(session: Session) -> list[tuple[str, str]]:
    """Every scope node, for a national admin choosing a user's scope: England, regions, ICBs, locations."""
    choices = [(ENGLAND_CODE, f"{ENGLAND_NAME} (national)")]
    choices += [(r.code, f"Region: {r.name} ({r.code})") for r in session.scalars(select(Region).order_by(Region.name))]
    choices += [(i.code, f"ICB: {i.name} ({i.code})")
                for i in session.scalars(select(IntegratedCareBoard).order_by(IntegratedCareBoard.name))]
    choices += [(s.code, f"Sub-ICB location: {s.name} ({s.code})")
                for s in session.scalars(select(SubIcbLocation).order_by(SubIcbLocation.name))]
    return choices


def user_snapshot(user: User) -> dict:
    """The fields of a user an admin can change, for the audit trail."""
    return {"email": user.email, "full_name": user.full_name, "role": user.role_name, "scope_code": user.scope_code,
            "active": user.active, "digests_enabled": user.digests_enabled}


def update_user(
    session: Session,
    *,
    user: User,
    role: str,
    scope_code: str,
    active: bool,
    full_name: str | None,
    digests_enabled: bool,
    actor: Actor | None,
    now: datetime,
) -> User:
    """Change a user's role, scope, name, digest choice or enabled state; sign them out everywhere on change."""
    require_user_admin(actor)
    scope_code = check_role_scope(session, role, scope_code)
    if actor is not None and actor.user_id == user.id and (not active or role != user.role_name):
        raise UserRejected("You cannot disable yourself or change your own role.")
    before = user_snapshot(user)
    ensure_roles(session)
    if role != user.role_name:
        user.roles = [session.scalar(select(Role).where(Role.name == role))]
    user.scope_code = scope_code
    user.active = active
    user.full_name = (full_name or "").strip() or None
    user.digests_enabled = digests_enabled
    after = user_snapshot(user)
    changes = diff(before, after)
    if {"role", "scope_code", "active"} & set(changes):
        # A new uniquifier invalidates every session and remember-me cookie the user holds.
        user.fs_uniquifier = uuid.uuid4().hex
    if changes:
        session.flush()
        record(session, action="user.edit", actor=actor, now=now, entity="user", entity_id=user.id, changes=changes)
    return user


def invite_user(
    session: Session,
    *,
    email: str,
    role: str,
    scope_code: str,
    full_name: str | None,
    actor: Actor | None,
    now: datetime,
    active: bool = True,
    digests_enabled: bool = True,
) -> User:
    """Create a user with an unusable random password; the caller sends them a set-your-password email."""
    return create_user(session, email=email, role=role, scope_code=scope_code,
                       password=secrets.token_urlsafe(32), full_name=full_name, actor=actor, now=now,
                       check_strength=False, active=active, digests_enabled=digests_enabled)
