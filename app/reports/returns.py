"""Period returns: a national admin signs off a period's return; the tracker keeps the exact figures and extract
sent, never changed, and later shows them beside today's figures with what changed since and why.

Who: signing off needs Permission.SIGN_OFF_RETURNS (national admins). Seeing a return needs Permission.REPORTS and a
scope that covers the return's area (a regional lead sees the returns of their region, or of an ICB in it; never
England's); its extract files also need Permission.EXPORT. A return is signed off for a period that has ended,
as at a day from the period's end to today (default: today); a second sign-off of the same period, area and
geography is a new revision, the earlier one kept.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.audit.service import record
from app.orgs.scope import UnknownScope, scope_for_code
from app.people.actor import Actor, NotAllowed
from app.people.roles import Permission
from app.privacy.guard import check_fields
from app.reports import extract as scrt
from app.reports import extract_files
from app.reports.changes import Explanation, explanations
from app.reports.models import PeriodReturn
from app.reports.request import ReportRefused, ReportRequest, prepare_request
from app.reports.service import build_report
from app.reports.tables import ReportTable, preamble, tables_from_json, tables_json
from app.timezone import london_today

NOTE_LIMIT = 2000


class ReturnRefused(ValueError):
    """The return cannot be signed off as asked; the message says why."""


class ReturnNotFound(LookupError):
    """No such return within the user's scope (one outside it is reported exactly like a missing one)."""


def can_sign_off(actor: Actor, request: ReportRequest) -> bool:
    """Whether this user may sign off this report as its period's return (national admin; the period has ended; as
    at its end or later)."""
    return (actor.can(Permission.SIGN_OFF_RETURNS) and request.period.end < request.today
            and request.as_at >= request.period.end)


def _refuse_unless_allowed(actor: Actor, request: ReportRequest) -> None:
    if not actor.can(Permission.SIGN_OFF_RETURNS):
        raise NotAllowed("only a national admin can sign off a period's return")
    if request.period.end >= request.today:
        raise ReturnRefused(f"{request.period.label} has not ended yet: a return is signed off after the period "
                            "ends.")
    if request.as_at < request.period.end:
        raise ReturnRefused("A return is signed off as at the end of its period or later.")


def _checked_note(note: str | None) -> str | None:
    text = (note or "").strip()
    if len(text) > NOTE_LIMIT:
        raise ReturnRefused(f"The note must be at most {NOTE_LIMIT} characters.")
    findings = check_fields({"note": text}, labels={"note": "Note"})
    if findings:
        raise ReturnRefused(findings[0].message)
    return text or None


def sign_off(session: Session, *, request: ReportRequest, actor: Actor, now: datetime, note: str | None,
             clocks: dict, settings: dict, mapping: dict) -> PeriodReturn:
    """Sign off a period's return: keep its figures and its extract (CSV and XLSX) exactly as they are now."""
    _refuse_unless_allowed(actor, request)
    note = _checked_note(note)
    report = build_report(session, request, clocks=clocks, settings=settings, now=now)
    lines = preamble(request)
    rows = scrt.count_rows(session, request)
    csv_bytes = extract_files.extract_csv(session, request, mapping, clocks=clocks).encode("utf-8")
    about = extract_files.about_lines(lines, rows)
    with extract_files.extract_xlsx(session, request, mapping, about, clocks=clocks) as handle:
        xlsx_bytes = handle.read()
    revision = (session.scalar(select(func.max(PeriodReturn.revision)).where(
        PeriodReturn.period_code == request.period.code, PeriodReturn.scope_code == request.scope.code,
        PeriodReturn.geography == request.geography.value)) or 0) + 1
    signed = PeriodReturn(
        period_code=request.period.code, scope_code=request.scope.code, geography=request.geography.value,
        revision=revision, as_at=request.as_at, signed_off_at=now, signed_off_by_id=actor.user_id,
        signed_off_by=actor.label, note=note,
        figures=tables_json(list(report.tables.values()), {"preamble": lines, "about": about}),
        extract_rows=rows, extract_csv=csv_bytes, extract_xlsx=xlsx_bytes,
        extract_sha256=hashlib.sha256(csv_bytes).hexdigest())
    session.add(signed)
    session.flush()
    record(session, action="report.sign_off", actor=actor, now=now, entity="period_return", entity_id=signed.id,
           detail=f"{request.period.code} {request.scope.code} {request.geography.value} revision {revision}, as at "
                  f"{request.as_at.isoformat()}; {rows} rows; extract sha256 {signed.extract_sha256}")
    return signed


def _covers(actor: Actor, scope_code: str, scopes: dict[str, Any], session: Session) -> bool:
    if scope_code not in scopes:
        try:
            scopes[scope_code] = scope_for_code(session, scope_code)
        except UnknownScope:
            scopes[scope_code] = None
    scope = scopes[scope_code]
    return scope is not None and actor.scope.covers(scope)


def area_labels(session: Session, returns: list[PeriodReturn]) -> dict[str, str]:
    """{scope code: how the area is named} for some returns (the code itself if it has left the tree)."""
    out: dict[str, str] = {}
    for code in {r.scope_code for r in returns}:
        try:
            out[code] = scope_for_code(session, code).label
        except UnknownScope:
            out[code] = code
    return out


def visible_returns(session: Session, actor: Actor) -> list[PeriodReturn]:
    """The returns the user may see (their scope covers the return's area), newest first."""
    if not actor.can(Permission.REPORTS):
        return []
    scopes: dict[str, Any] = {}
    found = session.scalars(select(PeriodReturn).order_by(PeriodReturn.signed_off_at.desc(), PeriodReturn.id.desc()))
    return [r for r in found if _covers(actor, r.scope_code, scopes, session)]


def load_return(session: Session, return_id: Any, actor: Actor) -> PeriodReturn:
    """A return the user may see, or ReturnNotFound."""
    try:
        signed = session.get(PeriodReturn, int(return_id))
    except (TypeError, ValueError):
        signed = None
    if signed is None or not actor.can(Permission.REPORTS) or not _covers(actor, signed.scope_code, {}, session):
        raise ReturnNotFound("no such return")
    return signed


# --- later: the return beside today's figures, and what changed since


@dataclass
class CellChange:
    """One figure that differs: where, as sent, and now."""

    table: str
    row: str
    column: str
    sent: Any
    now: Any


@dataclass
class RowChange:
    """A review whose extract row differs: added, removed or changed (with the columns)."""

    record_id: int
    kind: str  # "added", "removed", "changed"
    columns: list[tuple[str, str, str]] = field(default_factory=list)  # (column, as sent, now)


@dataclass
class Comparison:
    """A return beside the same figures recomputed as at today."""

    signed: PeriodReturn
    request: ReportRequest
    sent: list[ReportTable]
    now: list[ReportTable]
    cells: list[CellChange]
    rows: list[RowChange]
    explanations: list[Explanation]

    @property
    def unchanged(self) -> bool:
        """Nothing differs."""
        return not self.cells and not self.rows

    @property
    def why(self) -> dict[int, list[Explanation]]:
        """The explanations by record id."""
        out: dict[int, list[Explanation]] = {}
        for explanation in self.explanations:
            out.setdefault(explanation.record_id, []).append(explanation)
        return out


def recompute_request(session: Session, signed: PeriodReturn, *, today: date, as_at: date | None = None
                      ) -> ReportRequest:
    """The return's report asked again, as at today (or another day), limited to the return's own area."""
    scope = scope_for_code(session, signed.scope_code)
    actor = Actor(user_id=None, email="return comparison", role="viewer", scope=scope)
    try:
        return prepare_request(session, actor=actor, period=signed.period_code, scope_code=signed.scope_code,
                               geography=signed.geography, today=today, as_at=as_at or today)
    except ReportRefused as exc:  # pragma: no cover - a stored return always names a valid report
        raise ReturnNotFound(str(exc)) from None


def _cells(sent: list[ReportTable], now: list[ReportTable]) -> list[CellChange]:
    current = {t.key: t for t in now}
    out = []
    for table in sent:
        other = current.get(table.key)
        if other is None or table.key == "learning":
            continue
        sent_rows = {str(r[0]) if table.key != "themes" else str(r[1]): r for r in table.rows}
        now_rows = {str(r[0]) if table.key != "themes" else str(r[1]): r for r in other.rows}
        for key in [*sent_rows, *(k for k in now_rows if k not in sent_rows)]:
            a, b = sent_rows.get(key), now_rows.get(key)
            for i, header in enumerate(table.headers):
                old = a[i] if a is not None else None
                new = b[i] if b is not None else None
                if old != new and not (i == 0 and a is not None and b is not None):
                    out.append(CellChange(table.title, key, header, old, new))
    return out


def _csv_rows(text: str, id_label: str) -> tuple[list[str], dict[int, list[str]]]:
    rows = list(csv.reader(io.StringIO(text)))
    header, body = rows[0], rows[1:]
    if id_label not in header:
        return header, {}
    at = header.index(id_label)
    return header, {int(r[at]): r for r in body}


def _row_changes(sent_csv: str, now_csv: str, mapping: dict) -> list[RowChange]:
    """Extract rows that differ, matched by record id (none when the mapping has no record id column)."""
    id_label = dict(mapping["columns"]).get("record_id", "")
    header, sent = _csv_rows(sent_csv, id_label)
    now_header, now = _csv_rows(now_csv, id_label)
    if header != now_header:  # the configured columns changed since: rows cannot be compared cell by cell
        return []
    out = []
    for rid in sorted(set(sent) | set(now)):
        if rid not in now:
            out.append(RowChange(rid, "removed"))
        elif rid not in sent:
            out.append(RowChange(rid, "added"))
        elif sent[rid] != now[rid]:
            columns = [(h, a, b) for h, a, b in zip(header, sent[rid], now[rid], strict=True) if a != b]
            out.append(RowChange(rid, "changed", columns))
    return out


def compare(session: Session, signed: PeriodReturn, *, now: datetime, clocks: dict, settings: dict,
            mapping: dict) -> Comparison:
    """The return as sent beside the same report recomputed as at today, the figures and extract rows that differ,
    and what was recorded since the sign-off about the reviews behind them."""
    request = recompute_request(session, signed, today=london_today(now))
    sent, _extra = tables_from_json(signed.figures)
    report = build_report(session, request, clocks=clocks, settings=settings, now=now)
    now_tables = list(report.tables.values())
    now_csv = extract_files.extract_csv(session, request, mapping, clocks=clocks)
    rows = _row_changes(signed.extract_csv.decode("utf-8"), now_csv, mapping)
    cells = _cells(sent, now_tables)
    return Comparison(signed, request, sent, now_tables, cells, rows,
                      explanations(session, {r.record_id for r in rows}, since=signed.signed_off_at))
