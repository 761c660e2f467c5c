"""`flask reports show` prints a period report; `flask reports extract` writes the S-CRT extract.

Both run as a national system actor limited to the scope given (app.people.actor.system_actor), so the
command line counts exactly what a user of that scope would see.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import click
from flask import current_app
from flask.cli import AppGroup

from app.extensions import db
from app.orgs.scope import UnknownScope, scope_for_code
from app.people.actor import system_actor
from app.reports import extract as scrt
from app.reports import extract_files
from app.reports.periods import HELP as PERIOD_HELP
from app.reports.request import ReportRefused, prepare_request
from app.reports.service import TABLE_KEYS, build_report, record_download
from app.reports.tables import ReportTable, preamble
from app.timezone import london_today
from app.types import utcnow

reports_cli = AppGroup("reports", help="Period reports and the national S-CRT extract.")

PERIOD = click.option("--period", required=True, help=f"The period: {PERIOD_HELP}.")
SCOPE = click.option("--scope", "scope_code", required=True,
                     help="ENG, a region (Y56), an ICB (QMJ) or a sub-ICB location (93C).")
GEOGRAPHY = click.option("--geography", type=click.Choice(["recorded", "current"]), default="recorded",
                         show_default=True, help="Count reviews as recorded, or on the current hierarchy.")
AS_AT = click.option("--as-at", "as_at", default=None, metavar="YYYY-MM-DD",
                     help="Read the tracker's records as at the end of this day (default: the period's last day, or "
                          "today while it is under way).")
TEXT_WIDTH = 60


def _request(period: str, scope_code: str, geography: str, name: str, as_at: str | None = None):
    session = db.session
    try:
        scope = scope_for_code(session, scope_code)
    except UnknownScope as exc:
        raise click.BadParameter(str(exc), param_hint="--scope") from None
    actor = system_actor(scope, name=name)
    try:
        request = prepare_request(session, actor=actor, period=period, scope_code=scope.code, geography=geography,
                                  today=london_today(utcnow()), as_at=as_at)
    except ReportRefused as exc:
        hint = {"Period": "--period", "As at": "--as-at"}.get(str(exc).split(":", 1)[0], "--scope")
        raise click.BadParameter(str(exc).split(": ", 1)[-1], param_hint=hint) from None
    return actor, request


def _text(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, date):
        return value.isoformat()
    text = " ".join(str(value).split())
    return text if len(text) <= TEXT_WIDTH else text[: TEXT_WIDTH - 3] + "..."


def format_table(table: ReportTable) -> str:
    """A table as aligned plain text (numbers right-aligned)."""
    cells = [[_text(v) for v in row] for row in table.rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(table.headers)]
    numeric = [all(isinstance(row[i], int | float) or row[i] is None for row in table.rows) and bool(table.rows)
               for i in range(len(table.headers))]

    def line(values: list[str]) -> str:
        """One row, aligned."""
        return "  ".join(v.rjust(w) if numeric[i] else v.ljust(w)
                         for i, (v, w) in enumerate(zip(values, widths, strict=True))).rstrip()

    out = [table.title, "=" * len(table.title), line(table.headers), line(["-" * w for w in widths])]
    out += [line(r) for r in cells] or ["(none)"]
    if table.note:
        out.append(f"Note: {table.note}")
    return "\n".join(out)


@reports_cli.command("show")
@PERIOD
@SCOPE
@GEOGRAPHY
@AS_AT
@click.option("--table", "tables", multiple=True, type=click.Choice(TABLE_KEYS),
              help="Print only this table (repeatable). Default: every table.")
def show_command(period: str, scope_code: str, geography: str, as_at: str | None, tables: tuple[str, ...]) -> None:
    """Print the report for a period and scope."""
    _actor, request = _request(period, scope_code, geography, "flask reports show", as_at)
    now = utcnow()
    report = build_report(db.session, request, clocks=current_app.config["CLOCKS"],
                          settings=current_app.config["REPORTS"], now=now)
    click.echo("Safeguarding case reviews: period report")
    for name, value in preamble(request):
        click.echo(f"{name}: {value}")
    for key in tables or TABLE_KEYS:
        click.echo("")
        click.echo(format_table(report[key]))


@reports_cli.command("extract")
@PERIOD
@SCOPE
@GEOGRAPHY
@AS_AT
@click.option("--format", "file_format", type=click.Choice(extract_files.FORMATS), required=True,
              help="csv: the table alone (header on line 1); zip: the CSV and about.csv; xlsx: extract and About "
                   "sheets.")
@click.option("--out", "out", type=click.Path(dir_okay=False, writable=True, path_type=Path), required=True,
              help="The file to write.")
def extract_command(period: str, scope_code: str, geography: str, as_at: str | None, file_format: str,
                    out: Path) -> None:
    """Write the national S-CRT extract for a period and scope (recorded in the audit trail)."""
    actor, request = _request(period, scope_code, geography, "flask reports extract", as_at)
    if not out.parent.is_dir():
        raise click.BadParameter(f"{out.parent} is not a folder", param_hint="--out")
    session, now = db.session, utcnow()
    mapping, clocks = current_app.config["SCRT_EXTRACT"], current_app.config["CLOCKS"]
    rows = scrt.count_rows(session, request)
    lines = extract_files.about_lines(preamble(request), rows)
    partial = out.with_name(out.name + ".part")  # a failure part-way never leaves a truncated extract at --out
    try:
        if file_format == "csv":
            with partial.open("w", encoding="utf-8", newline="") as fh:
                for chunk in extract_files.csv_chunks(scrt.extract_rows(session, request, mapping, clocks=clocks),
                                                      mapping):
                    fh.write(chunk)
        elif file_format == "zip":
            partial.write_bytes(extract_files.extract_zip(session, request, mapping, lines, clocks=clocks))
        else:
            with (extract_files.extract_xlsx(session, request, mapping, lines, clocks=clocks) as handle,
                  partial.open("wb") as fh):
                while block := handle.read(64 * 1024):
                    fh.write(block)
        partial.replace(out)
    finally:
        partial.unlink(missing_ok=True)
    record_download(session, actor=actor, now=now, request=request, what="scrt-extract", file_format=file_format,
                    rows=rows, action="report.extract")
    session.commit()
    click.echo(f"Wrote the S-CRT extract of {rows} reviews ({request.period.label}, {request.scope.label}, "
               f"geography {request.geography.label.lower()}, as at {request.as_at.day} {request.as_at:%B %Y}) "
               f"to {out}.")
