"""`flask demo load`: the demo partnerships, accounts and reviews (never in production)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from app.demo.data import DEMO_PASSWORD, DEMO_USERS, load_demo_data
from app.demo.two_factor import DEMO_TOTP_KEY, demo_code, enrol_demo_two_factor
from app.extensions import db
from app.types import utcnow

demo_cli = AppGroup("demo", help="Fictional demo data.")


@demo_cli.command("load")
@click.option("--reviews", default=420, show_default=True, help="How many demo reviews to create.")
def load_command(reviews: int) -> None:
    """Create the demo accounts and reviews (once; running it again adds nothing)."""
    if not current_app.config["DEMO_DATA_ALLOWED"]:
        raise click.ClickException("Demo data is not allowed in this configuration (production).")
    config = current_app.config
    report = load_demo_data(db.session, now=utcnow(), reviews=reviews)
    enrol_demo_two_factor(db.session, required_roles=config["TWO_FACTOR_REQUIRED_ROLES"],
                          totp_secrets=config["SECURITY_TOTP_SECRETS"], issuer=config["SECURITY_TOTP_ISSUER"],
                          now=utcnow())
    db.session.commit()
    if report.skipped:
        click.echo("Demo reviews are already loaded: nothing added.")
    else:
        click.echo(f"Created {report.reviews} demo reviews, {report.partnerships} partnerships, {report.users} users.")
    click.echo(f"Demo accounts (password: {DEMO_PASSWORD}):")
    for email, role, scope, _ in DEMO_USERS[:4]:
        click.echo(f"  {email:32} {role:24} {scope}")
    click.echo(f"National admins and regional leads also need an authenticator code: key {DEMO_TOTP_KEY}")
    click.echo("  (add it to an authenticator app, or run `flask demo code` for the current code).")


@demo_cli.command("code")
def code_command() -> None:
    """Print the current authenticator code of the demo accounts (development only)."""
    if not current_app.config["DEMO_DATA_ALLOWED"]:
        raise click.ClickException("Demo data is not allowed in this configuration (production).")
    click.echo(demo_code(utcnow()))
