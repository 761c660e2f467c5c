"""`flask workflows run JOB [--today YYYY-MM-DD]` and `flask workflows preview-digest --user EMAIL --kind ...`."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlsplit

import click
from flask import current_app
from flask.cli import AppGroup
from kombu.exceptions import OperationalError as BrokerUnavailable

from app.extensions import db
from app.notifications.digests import build_digest
from app.notifications.jobs import JOB_NAMES, SCANS, TASKS, noon_in_london, run_scan
from app.notifications.periods import KINDS, BadPeriod, due_period, parse_period
from app.notifications.recipients import Directory
from app.notifications.relay import relay
from app.notifications.settings import NotificationSettings
from app.timezone import london_today
from app.types import utcnow

workflows_cli = AppGroup("workflows", help="Reminders, chasers, digests and the outbox relay.")


def _day(ctx, param, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("write the date as YYYY-MM-DD") from None


@workflows_cli.command("run")
@click.argument("job", type=click.Choice([*JOB_NAMES, "all"]))
@click.option("--today", callback=_day, help="Decide as on this London date (YYYY-MM-DD); default: now.")
@click.option("--via-worker", is_flag=True, help="Publish the job's task to Celery instead of running it here.")
def run_command(job: str, today: date | None, via_worker: bool) -> None:
    """Run a job now and print what it queued or sent (`all`: every scan, then the relay)."""
    jobs = [*SCANS, "relay"] if job == "all" else [job]
    if via_worker:
        _publish(jobs)
        return
    settings = NotificationSettings.from_config(current_app.config)
    now = noon_in_london(today) if today else utcnow()
    for name in jobs:
        if name == "relay":
            lines = relay(db.session, now=utcnow(), settings=settings).lines()
        else:
            report = run_scan(db.session, name, now=now, settings=settings)
            db.session.commit()
            lines = report.lines()
        for line in lines:
            click.echo(line)


def _broker_address(url: str) -> str:
    """host:port of the broker URL, without its password."""
    parts = urlsplit(url)
    return f"{parts.hostname}:{parts.port}" if parts.hostname else "(none)"


def _publish(jobs: list[str]) -> None:
    """Publish each job's task; a broker that does not answer is one line and exit status 1, not a traceback."""
    celery = current_app.extensions["celery"]
    for name in jobs:
        try:
            celery.send_task(TASKS[name])
        except BrokerUnavailable as exc:
            raise click.ClickException(
                f"could not publish {TASKS[name]}: Redis (the job broker) at "
                f"{_broker_address(celery.conf.broker_url)} did not answer ({exc}). Start Redis or check REDIS_URL, "
                "or run the job here without --via-worker.") from None
        click.echo(f"published {TASKS[name]}")


@workflows_cli.command("preview-digest")
@click.option("--user", "email", required=True, help="The recipient's email address.")
@click.option("--kind", type=click.Choice(KINDS), required=True)
@click.option("--period", help="weekly 2026-W48, monthly 2026-10, quarterly 2026-27-Q2 (default: the one due).")
@click.option("--today", callback=_day, help="Compute clocks as on this date (default: today in London).")
@click.option("--html", "show_html", is_flag=True, help="Print the HTML body instead of the text.")
def preview_command(email: str, kind: str, period: str | None, today: date | None, show_html: bool) -> None:
    """Print the digest a user would get (subject, body, CSV rows count); nothing is sent or written."""
    settings = NotificationSettings.from_config(current_app.config)
    today = today or london_today(utcnow())
    person = Directory(db.session).by_email(email)
    if person is None:
        raise click.ClickException(f"{email} is not an active designated professional, regional lead or national "
                                   "admin with a valid scope")
    try:
        chosen = parse_period(kind, period) if period else due_period(kind, today)
    except BadPeriod as exc:
        raise click.ClickException(str(exc)) from None
    digest = build_digest(db.session, person, chosen, today=today, settings=settings)
    db.session.rollback()
    attachment = digest.rows.attachment
    click.echo(f"To: {digest.email.to_address}")
    click.echo(f"Subject: {digest.email.subject}")
    click.echo(f"Attachment: {attachment['filename']} ({digest.rows.total} rows"
               f"{', truncated' if digest.rows.truncated else ''})")
    if not person.digests_enabled:
        click.echo("Note: this user has turned digests off: nothing would be sent.")
    elif digest.empty and not settings.knobs["send_empty_digests"]:
        click.echo("Note: this digest is empty: it would not be sent (NOTIFICATIONS['send_empty_digests']).")
    click.echo("")
    click.echo(digest.email.html if show_html else digest.email.text)
