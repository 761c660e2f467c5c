"""Running imports in tests: as a test account (its own role and scope), with the app's limits."""

from __future__ import annotations

import csv
import io
from datetime import datetime

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.imports.headers import load_mapping
from app.imports.report import NOTE, REFUSED, TO_COMPLETE, ImportReport
from app.imports.service import import_reviews, limits_from
from app.orgs.scope import scope_for_code
from app.people.actor import Actor
from app.people.models import User
from app.reviews.models import Review, ReviewUpdate
from tests.support.accounts import ACCOUNTS
from tests.support.reviews import NOW


def actor(session: Session, who: str) -> Actor:
    """A test account as an Actor (its own role and scope)."""
    email, role, scope = ACCOUNTS[who]
    user = session.scalar(select(User).where(User.email == email))
    return Actor(user_id=user.id, email=email, role=role, scope=scope_for_code(session, scope))


def run(session: Session, data: bytes, *, who: str = "national", commit: bool = False, now: datetime = NOW,
        filename: str = "tracker.csv", sheet: str | None = None, mapping: bytes | None = None,
        per_row: bool = False, accept: tuple[str, ...] = (), progress=None) -> ImportReport:
    """Import a file (dry run by default) and commit the session, as the web page and the command line do."""
    report = import_reviews(session, data=data, filename=filename, actor=actor(session, who), now=now,
                            commit=commit, limits=limits_from(current_app.config), sheet=sheet,
                            mapping=load_mapping(mapping) if mapping else None, per_row=per_row,
                            accept_partnerships=accept, progress=progress)
    session.commit()
    return report


def counts(session: Session) -> tuple[int, int]:
    """(reviews, timeline entries) in the database."""
    session.expire_all()
    return (session.scalar(select(func.count(Review.id))), session.scalar(select(func.count(ReviewUpdate.id))))


def problems(report: ImportReport, severity: str = REFUSED) -> list[tuple[int, str, str, str]]:
    """The report's problems of one severity (by default those that refuse a row) as (row, column, kind, message)."""
    return [(p.row, p.column, p.kind, p.message) for p in report.problems if p.severity == severity]


def flags(report: ImportReport) -> list[tuple[int, str, str]]:
    """The "to complete" problems as (row, column, message)."""
    return [(p.row, p.column, p.message) for p in report.problems if p.severity == TO_COMPLETE]


def notes(report: ImportReport) -> list[tuple[int, str, str]]:
    """The notes on rows as (row, column, message)."""
    return [(p.row, p.column, p.message) for p in report.problems if p.severity == NOTE]


def csv_bytes(rows: list[list[object]], *, encoding: str = "utf-8") -> bytes:
    """A CSV file from rows of cells."""
    buffer = io.StringIO()
    csv.writer(buffer).writerows([["" if c is None else c for c in row] for row in rows])
    return buffer.getvalue().encode(encoding)
