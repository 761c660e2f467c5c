"""What a report is asked for: period, scope, geography mode; checked against the requester's own scope."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.orgs.models import ENGLAND_CODE, ENGLAND_NAME, IntegratedCareBoard, Region, SubIcbLocation
from app.orgs.scope import Scope, UnknownScope, scope_for_code
from app.people.actor import Actor
from app.people.roles import Permission
from app.reports.periods import Period, PeriodError, parse_period, require_started


class Geography(StrEnum):
    """How a review is placed in the organisation tree for a report."""

    RECORDED = "recorded"
    CURRENT = "current"

    @property
    def label(self) -> str:
        """A short name for screens and file headers."""
        return GEOGRAPHY_LABELS[self]

    @property
    def explanation(self) -> str:
        """One sentence saying what the mode means."""
        return GEOGRAPHY_EXPLANATIONS[self]


GEOGRAPHY_LABELS = {
    Geography.RECORDED: "As recorded",
    Geography.CURRENT: "Current hierarchy",
}
GEOGRAPHY_EXPLANATIONS = {
    Geography.RECORDED: ("Each review counts under the organisation, ICB/ICS and region recorded with it for its "
                         "date added (the hierarchy in force on that date)."),
    Geography.CURRENT: ("Each review counts under its organisation's present sub-ICB location, ICB and region "
                        "(today's hierarchy)."),
}


class ReportRefused(ValueError):
    """The report cannot be run as asked; the message says why. `status` is the HTTP answer to give."""

    status = 400


class ReportOutsideScope(ReportRefused):
    """The asked-for scope is not inside the requester's scope."""

    status = 403


@dataclass(frozen=True)
class ReportRequest:
    """A checked report request: what to count, and whose scope limits every row."""

    period: Period
    scope: Scope  # the area reported on (a node of today's tree)
    geography: Geography
    user_scope: Scope  # the requester's scope: no review outside it is ever counted
    today: date
    # The day whose records the report reads (the tracker's records at the end of that day): by default the
    # period's last day for a past period, today for the period under way.
    as_at: date = field(default=None)  # type: ignore[assignment]

    def __post_init__(self):
        if self.as_at is None:
            object.__setattr__(self, "as_at", default_as_at(self.period, self.today))

    @property
    def as_of(self) -> date:
        """The day 'at end' figures are taken: the period's last day, or the as-at day when that comes first."""
        return min(self.period.end, self.as_at)

    @property
    def in_progress(self) -> bool:
        """Whether the period had not ended by the as-at day (figures so far)."""
        return self.as_at < self.period.end

    @property
    def query_string(self) -> dict[str, str]:
        """The request as URL parameters (for links to downloads and charts)."""
        return {"period": self.period.code, "scope": self.scope.code, "geography": self.geography.value,
                "as_at": self.as_at.isoformat()}

    @property
    def slug(self) -> str:
        """A file-name fragment: period, scope, geography mode and as-at day."""
        return f"{self.period.code}-{self.scope.code}-{self.geography.value}-as-at-{self.as_at.isoformat()}"


def default_as_at(period: Period, today: date) -> date:
    """The as-at day a report takes unless told: the period's last day once it has ended, else today."""
    return min(period.end, today)


def _day(d: date) -> str:
    return f"{d.day} {d:%B %Y}"


def parse_as_at(value: str | date | None, period: Period, today: date) -> date:
    """The as-at day asked for (default: default_as_at), refused when not a date, after today or before the period."""
    if value in (None, ""):
        return default_as_at(period, today)
    if isinstance(value, date):
        day = value
    else:
        try:
            day = date.fromisoformat(str(value).strip())
        except ValueError:
            raise ReportRefused(f"As at: {value!r} is not a date: write it as 2022-12-31 (year, month, day)") from None
    if day > today:
        raise ReportRefused(f"As at: {_day(day)} is after today; a report can only read records the tracker already "
                            "holds.")
    if day < period.start:
        raise ReportRefused(f"As at: {_day(day)} is before {period.label} started ({_day(period.start)}); choose a "
                            "day on or after it.")
    return day


def parse_geography(value: str | None) -> Geography:
    """The geography mode named (default: as recorded)."""
    text = (value or Geography.RECORDED.value).strip().lower()
    try:
        return Geography(text)
    except ValueError:
        raise ReportRefused(f"{value!r} is not a geography mode: use 'recorded' (as recorded, the default) "
                            "or 'current' (current hierarchy)") from None


def prepare_request(
    session: Session, *, actor: Actor, period: str | Period | None, scope_code: str | None,
    geography: str | Geography | None, today: date, as_at: str | date | None = None
) -> ReportRequest:
    """Check a report request: a known, started period; a known scope inside the actor's scope; a known mode; an
    as-at day between the period's start and today (default: the period's end, or today while it is under way)."""
    if not actor.can(Permission.REPORTS):
        raise ReportOutsideScope("your role does not allow reports")
    try:
        chosen = period if isinstance(period, Period) else parse_period(period)
        require_started(chosen, today)
    except PeriodError as exc:
        raise ReportRefused(f"Period: {exc}.") from None
    mode = geography if isinstance(geography, Geography) else parse_geography(geography)
    day = parse_as_at(as_at, chosen, today)
    code = (scope_code or actor.scope.code).strip().upper()
    try:
        scope = actor.scope if code == actor.scope.code else scope_for_code(session, code)
    except UnknownScope as exc:
        raise ReportRefused(f"Scope: {exc}.") from None
    if not actor.scope.covers(scope):
        raise ReportOutsideScope(f"Scope: {scope.label} is outside your scope ({actor.scope.label}); "
                                 "choose an area within it.")
    return ReportRequest(period=chosen, scope=scope, geography=mode, user_scope=actor.scope, today=today, as_at=day)


@dataclass(frozen=True)
class ScopeChoice:
    """One entry of the scope drop-down."""

    code: str
    label: str
    kind: str


def scope_choices(session: Session, user_scope: Scope) -> list[ScopeChoice]:
    """England, regions, ICBs and sub-ICB locations within a user's scope, biggest first (three queries)."""
    out: list[ScopeChoice] = []
    if user_scope.is_national:
        out.append(ScopeChoice(ENGLAND_CODE, ENGLAND_NAME, "england"))
    if user_scope.kind in ("england", "region"):
        regions = session.scalars(select(Region).where(Region.code.in_(sorted(user_scope.region_codes)))
                                  .order_by(Region.name))
        out += [ScopeChoice(r.code, f"{r.name} ({r.code})", "region") for r in regions]
    if user_scope.kind in ("england", "region", "icb"):
        icbs = session.scalars(select(IntegratedCareBoard).where(
            IntegratedCareBoard.code.in_(sorted(user_scope.icb_codes))).order_by(IntegratedCareBoard.name))
        out += [ScopeChoice(i.code, f"{i.name} ({i.code})", "icb") for i in icbs]
    locations = session.scalars(select(SubIcbLocation).where(
        SubIcbLocation.code.in_(sorted(user_scope.location_codes))).order_by(SubIcbLocation.name))
    out += [ScopeChoice(loc.code, f"{loc.name} ({loc.code})", "location") for loc in locations]
    return out
