"""`flask reference load`: load the shipped organisation hierarchy and theme list."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from app.extensions import db
from app.orgs.reference import REFERENCE_DIR, load_reference_data

reference_cli = AppGroup("reference", help="Reference data: organisation hierarchy, crosswalks, themes.")


@reference_cli.command("load")
@click.option("--directory", type=click.Path(exists=True, file_okay=False, path_type=Path), default=REFERENCE_DIR,
              show_default=True)
def load_command(directory: Path) -> None:
    """Load (or refresh) the reference data; running it twice changes nothing."""
    report = load_reference_data(db.session, directory=directory)
    db.session.commit()
    for table, count in report.tables.items():
        click.echo(f"{table:28} {count.total:5}  (created {count.created}, updated {count.updated}, "
                   f"unchanged {count.unchanged})")
    click.echo("Reference data changed." if report.changed else "Reference data already up to date: nothing changed.")
