"""``flask pii check TEXT``: run the patient-identifiable-data guard from the command line.

A plain click group (it needs no application); the app registers it with ``app.cli.add_command(pii_cli)``.
"""

from __future__ import annotations

import click

from app.privacy.guard import scan_text

pii_cli = click.Group("pii", help="Check text for patient identifiable data (NHS numbers, dates of birth, names...).")


@pii_cli.command("check")
@click.argument("text")
@click.option("--identifier", is_flag=True, help="Judge TEXT as an identifier (StEIS / local id): stricter names.")
@click.pass_context
def check(ctx: click.Context, text: str, identifier: bool) -> None:
    """Print each kind of patient identifiable data found in TEXT; exit 1 if any, 0 if clean."""
    findings = scan_text(text, identifier=identifier)
    for finding in findings:
        click.echo(f"{finding.kind}: {finding.description}")
    if findings:
        ctx.exit(1)
    click.echo("clean: no patient identifiable data found")
