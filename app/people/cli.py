"""`flask users ...`: create users from the command line."""

from __future__ import annotations

import os

import click
from flask.cli import AppGroup

from app.extensions import db
from app.people.roles import ROLE_NAMES
from app.people.service import UserRejected, create_user
from app.types import utcnow

users_cli = AppGroup("users", help="Manage users.")


@users_cli.command("create")
@click.argument("email")
@click.option("--role", required=True, help=f"One of: {', '.join(ROLE_NAMES)}.")
@click.option("--scope", "scope_code", required=True, help="ENG, a region (Y56), an ICB (QMJ) or a sub-ICB (93C).")
@click.option("--name", "full_name", default=None, help="The person's name (optional).")
@click.option("--password-env", default="TRACKER_NEW_USER_PASSWORD", show_default=True,
              help="Read the password from this environment variable; prompt when it is unset.")
def create_command(email: str, role: str, scope_code: str, full_name: str | None, password_env: str) -> None:
    """Create a user with one role and one scope."""
    password = os.environ.get(password_env)
    if not password:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = create_user(db.session, email=email, role=role, scope_code=scope_code, password=password,
                           full_name=full_name, actor=None, now=utcnow())
        db.session.commit()
    except UserRejected as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    click.echo(f"Created {user.email}: {role}, scope {user.scope_code}.")
