"""`flask demo load`: the demo partnerships, accounts and reviews (never in production)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from app.demo.data import DEMO_PASSWORD, DEMO_USERS, load_demo_data
from app.extensions import db
from app.types import utcnow

demo_cli = AppGroup("demo", help="Fictional demo data.")


@demo_cli.command("load")
@click.option("--reviews", default=420, show_default=True, help="How many demo reviews to create.")
def load_command(reviews: int) -> None:
    """Create the demo accounts and reviews (once; running it again adds nothing)."""
    if not current_app.config["DEMO_DATA_ALLOWED"]:
        raise click.ClickException("Demo data is not allowed in this configuration (production).")
    report = load_demo_data(db.session, now=utcnow(), reviews=reviews)
    db.session.commit()
    if report.skipped:
        click.echo("Demo reviews are already loaded: nothing added.")
    else:
        click.echo(f"Created {report.reviews} demo reviews, {report.partnerships} partnerships, {report.users} users.")
    click.echo(f"Demo accounts (password: {DEMO_PASSWORD}):")
    for email, role, scope, _ in DEMO_USERS[:4]:
        click.echo(f"  {email:32} {role:24} {scope}")
