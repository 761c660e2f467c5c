"""`flask reviews import FILE`: dry-run or commit a legacy tracker (CSV/XLSX) as a named user or a scope."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import func, select

from app.extensions import db
from app.imports.headers import load_mapping
from app.imports.readers import ImportRefused
from app.imports.report import ImportReport
from app.imports.service import import_reviews, limits_from
from app.orgs.scope import UnknownScope, scope_for_code
from app.people.actor import Actor, NotAllowed, system_actor
from app.people.models import User
from app.people.roles import Permission
from app.types import utcnow

reviews_cli = AppGroup("reviews", help="Reviews: import a legacy tracker or an export of this tracker.")

EXIT_PROBLEMS, EXIT_REFUSED = 1, 2


def actor_for_email(email: str) -> Actor:
    """The active user with this email as an Actor (their own role and scope)."""
    user = db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if user is None or not user.active:
        raise click.UsageError(f"No active user {email!r}.")
    try:
        scope = scope_for_code(db.session, user.scope_code)
    except UnknownScope as exc:
        raise click.UsageError(f"The user's scope is broken: {exc}.") from None
    return Actor(user_id=user.id, email=user.email, role=user.role_name, scope=scope, remote_addr=None)


class Progress:
    """A click progress bar created once the number of rows is known."""

    def __init__(self, label: str):
        self.label = label
        self.bar = None
        self.done = 0

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:
            self.bar = click.progressbar(length=max(total, 1), label=self.label, file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(done - self.done)
        self.done = done

    def close(self) -> None:
        """Finish the bar (if one was shown)."""
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


def _echo_report(report: ImportReport) -> None:
    if report.refused:
        click.secho(f"File refused: {report.refused}", fg="red", err=True)
        click.echo("Nothing was changed.")
        return
    where = f", sheet {report.sheet!r}" if report.sheet else ""
    click.echo(f"{report.filename}: {report.format.upper()}{where}"
               f"{', ' + report.encoding if report.encoding else ''}; header row {report.header_row}")
    for header, target in report.columns:
        click.echo(f"  column {header!r} -> {target}")
    if report.derived_columns:
        click.echo(f"  not imported (the tracker derives them): {', '.join(report.derived_columns)}")
    if report.unknown_columns:
        click.echo(f"  not recognised, ignored (use --mapping): {', '.join(report.unknown_columns)}")
    for problem in report.problems:
        column = f'"{problem.column}"' if problem.column else "(row)"
        click.echo(f"  row {problem.row}, {column} ({problem.kind}) [{problem.severity}]: {problem.message}")
    for remap in report.remapped:
        click.echo(f"  row {remap.row}: {remap.how} ({remap.found_as}) -> {remap.code} {remap.name}")
    for refused in report.refused_rows:
        click.echo(f"  row {refused.row} not imported: {refused.next_step}")
    for n, proposal in enumerate(report.new_partnerships, start=1):
        state = "accepted: added to the managed list" if proposal.accepted else "not on the managed list"
        nearest = f"; nearest on the list: {proposal.nearest}" if proposal.nearest else ""
        click.echo(f"  new partnership {n}: {proposal.name!r} ({proposal.kind_label}), rows "
                   f"{', '.join(map(str, proposal.rows))}: {state}{nearest}")
    for note in report.notes:
        click.echo(f"  note: {note}")
    click.echo(report.summary() + f" ({report.seconds:.1f} s)")
    if report.nothing_to_import:
        click.echo("There is nothing to import: the file holds no review rows.")
    elif report.committed and not report.importable:
        click.secho("Committed: nothing changed (the tracker already holds everything in this file that can be "
                    "imported).", fg="green")
    elif report.committed:
        refused = len(report.refused_rows)
        click.secho("Committed." + (f" {refused} row{'s were' if refused != 1 else ' was'} not imported: correct "
                                    f"{'them' if refused != 1 else 'it'} as said above and import the file again."
                                    if refused else ""), fg="green")
    elif report.dry_run:
        ready = " The file is ready to import." if report.clean and report.importable else ""
        click.echo("Dry run: nothing was changed." + ready)


@reviews_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the file and report what would change; change nothing.")
@click.option("--mapping", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="CSV (source header,field) or JSON mapping of the file's headers to fields.")
@click.option("--sheet", help="The XLSX sheet to import (default: the first sheet).")
@click.option("--as", "as_email", metavar="EMAIL", help="Import as this user (their role and scope apply).")
@click.option("--scope", "scope_code", metavar="CODE",
              help="Import as a system run limited to this scope (ENG, a region, an ICB or a sub-ICB location).")
@click.option("--accept-new-partnerships", is_flag=True,
              help="Add the partnerships the file names that are not on the managed list (national admins).")
def import_command(file: Path, dry_run: bool, mapping: Path | None, sheet: str | None, as_email: str | None,
                   scope_code: str | None, accept_new_partnerships: bool) -> None:
    """Import reviews from a CSV or XLSX file: each row all or nothing, and a second run of the same file changes
    nothing.

    Exit status: 0 when every row is (or can be) imported, 1 when some rows are refused (the others are imported by
    a commit), 2 when the file is refused.
    """
    if bool(as_email) == bool(scope_code):
        raise click.UsageError("Give exactly one of --as EMAIL or --scope CODE.")
    if as_email:
        actor = actor_for_email(as_email)
    else:
        try:
            actor = system_actor(scope_for_code(db.session, scope_code), name=f"import (command line, {scope_code})")
        except UnknownScope as exc:
            raise click.UsageError(str(exc)) from None
    limits = limits_from(current_app.config)
    try:
        mapping_table = load_mapping(mapping.read_bytes()) if mapping else None
    except ImportRefused as exc:
        raise click.UsageError(str(exc)) from None
    if file.stat().st_size > limits.max_bytes:
        click.secho(f"File refused: it is larger than the {limits.max_bytes / (1024 * 1024):g} MB limit "
                    "(IMPORT_MAX_BYTES).", fg="red", err=True)
        sys.exit(EXIT_REFUSED)
    progress = Progress("Checking rows" if dry_run else "Importing rows")
    data = file.read_bytes()
    try:
        accepted: list[str] = []
        if accept_new_partnerships:
            if not actor.can(Permission.MANAGE_REFERENCE):
                raise click.UsageError("Only a national admin can accept new partnerships.")
            first = import_reviews(db.session, data=data, filename=file.name, actor=actor, now=utcnow(), commit=False,
                                   limits=limits, sheet=sheet, mapping=mapping_table)
            db.session.commit()
            accepted = [p.key for p in first.new_partnerships]
        report = import_reviews(db.session, data=data, filename=file.name, actor=actor, now=utcnow(),
                                commit=not dry_run, limits=limits, sheet=sheet, mapping=mapping_table,
                                progress=progress, accept_partnerships=accepted)
    except NotAllowed as exc:
        raise click.UsageError(f"{actor.email} may not import reviews: {exc}.") from None
    finally:
        progress.close()
    db.session.commit()
    _echo_report(report)
    if report.refused:
        sys.exit(EXIT_REFUSED)
    if report.refused_rows:
        sys.exit(EXIT_PROBLEMS)
