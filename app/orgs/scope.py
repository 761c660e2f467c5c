"""A user's scope: one node of the organisation tree and everything below it. The one scoping rule."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, false, select, true
from sqlalchemy.orm import Session

from app.orgs.models import ENGLAND_CODE, ENGLAND_NAME, IntegratedCareBoard, Region, SubIcbLocation


class UnknownScope(LookupError):
    """The code is not England, a region, an ICB or a sub-ICB location."""


@dataclass(frozen=True)
class Scope:
    """A node of the current organisation tree and the sub-ICB locations it covers."""

    kind: str  # "england", "region", "icb" or "location"
    code: str
    name: str
    location_codes: frozenset[str]
    icb_codes: frozenset[str]
    region_codes: frozenset[str]

    @property
    def is_national(self) -> bool:
        """Whether the scope is the whole of England."""
        return self.kind == "england"

    def covers_location(self, code: str | None) -> bool:
        """Whether a sub-ICB location is inside this scope."""
        return self.is_national or (code is not None and code in self.location_codes)

    def covers(self, other: Scope) -> bool:
        """Whether another scope lies wholly inside this one."""
        return self.is_national or (not other.is_national and other.location_codes <= self.location_codes)

    def location_clause(self, column) -> ColumnElement[bool]:
        """A SQL condition restricting a column of sub-ICB location codes to this scope."""
        if self.is_national:
            return true()
        if not self.location_codes:
            return false()
        return column.in_(sorted(self.location_codes))

    def icb_clause(self, column) -> ColumnElement[bool]:
        """A SQL condition restricting a column of ICB codes to this scope (NULL allowed for national items)."""
        if self.is_national:
            return true()
        return column.in_(sorted(self.icb_codes)) | column.is_(None)

    @property
    def label(self) -> str:
        """How the scope is named on screens and in files."""
        kinds = {"england": "", "region": "region ", "icb": "ICB ", "location": "sub-ICB location "}
        return self.name if self.is_national else f"{kinds[self.kind]}{self.code} {self.name}"


def _tree(session: Session) -> list[tuple[str, str, str]]:
    """(location code, ICB code, region code) for every current sub-ICB location."""
    rows = session.execute(
        select(SubIcbLocation.code, IntegratedCareBoard.code, IntegratedCareBoard.region_code).join(
            IntegratedCareBoard, SubIcbLocation.icb_code == IntegratedCareBoard.code
        )
    )
    return [tuple(r) for r in rows]


def scope_for_code(session: Session, code: str | None) -> Scope:
    """The scope named by a code: ENG, a region (Y56), an ICB (QMJ) or a sub-ICB location (93C)."""
    code = (code or "").strip().upper()
    if code == ENGLAND_CODE:
        return _build(code, _tree(session), ENGLAND_NAME, "england")
    for kind, model in (("region", Region), ("icb", IntegratedCareBoard), ("location", SubIcbLocation)):
        node = session.get(model, code)
        if node is not None:
            return _build(code, _tree(session), node.name, kind)
    raise UnknownScope(
        f"{code or '(blank)'} is not a scope: use ENG, a region code (e.g. Y56), an ICB code (e.g. QMJ) "
        "or a sub-ICB location code (e.g. 93C)"
    )


def _build(code: str, tree: list[tuple[str, str, str]], name: str, kind: str) -> Scope:
    """The scope of a node of a known kind, from the tree's (location, ICB, region) rows."""
    column = {"england": None, "region": 2, "icb": 1, "location": 0}[kind]
    rows = tree if column is None else [t for t in tree if t[column] == code]
    return Scope(kind, code, name, frozenset(t[0] for t in rows), frozenset(t[1] for t in rows),
                 frozenset(t[2] for t in rows) if kind != "region" else frozenset({code}))


class ScopeBook:
    """Many scopes from one read of the tree and its names (three queries, however many codes are asked)."""

    def __init__(self, session: Session):
        self._tree = _tree(session)
        self._nodes: dict[str, tuple[str, str]] = {ENGLAND_CODE: ("england", ENGLAND_NAME)}
        for kind, model in (("location", SubIcbLocation), ("icb", IntegratedCareBoard), ("region", Region)):
            for node_code, name in session.execute(select(model.code, model.name)):
                self._nodes[node_code] = (kind, name)
        self._built: dict[str, Scope] = {}

    def scope(self, code: str | None) -> Scope:
        """The scope of a code (UnknownScope as scope_for_code raises it)."""
        code = (code or "").strip().upper()
        if code not in self._built:
            if code not in self._nodes:
                raise UnknownScope(f"{code or '(blank)'} is not a scope")
            kind, name = self._nodes[code]
            self._built[code] = _build(code, self._tree, name, kind)
        return self._built[code]
