"""Partnerships named in a file: matched to the managed list exactly or loosely, else proposed as new.

Loosely means by kind and area (app.orgs.partnerships.name_key): "Notts SAB" is the Nottinghamshire Safeguarding
Adults Board. A name that says no kind ("Camden") takes the kind of partnership that commissions the row's type of
review. A name that matches nothing becomes a proposal, with the nearest name on the list: a national admin can
accept it in the dry-run report, and the commit adds it to the managed list before the rows that name it are
imported. Until then those rows are imported without a partnership, "to complete".
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.imports.report import PartnershipProposal
from app.imports.values import clean_text
from app.orgs.models import Partnership
from app.orgs.partnerships import (
    NameKey,
    add_partnership,
    folded_name,
    kind_for_type,
    name_key,
    partnership_keys,
    partnership_violations,
    similarity,
)
from app.orgs.reference import REFERENCE_DIR
from app.people.actor import Actor
from app.people.roles import Permission

NEAREST_AT_LEAST = 0.3


@cache
def local_authority_names() -> dict[frozenset[str], str]:
    """Area words -> the local authority district's ONS name (from the shipped CCG-to-LAD lookup)."""
    with (REFERENCE_DIR / "ccg2021_to_lad2021_lsoa_counts.csv").open(encoding="utf-8") as fh:
        names = {row["lad_name"] for row in csv.DictReader(fh)}
    return {name_key(name).area: name for name in sorted(names)}


@dataclass(frozen=True)
class PartnershipFound:
    """How a cell was read: the partnership (or None), a note, the proposal it joined, or the PII found."""

    partnership_id: int | None
    note: str | None = None
    proposal: int | None = None  # 1-based number of the proposal in the report
    pii: str | None = None


@dataclass
class _Proposal:
    key: NameKey
    name: str
    rows: list[int] = field(default_factory=list)
    icbs: set[str | None] = field(default_factory=set)
    nearest: str | None = None
    created: Partnership | None = None


class PartnershipMatcher:
    """Reads partnership cells for one import; remembers the proposals it made."""

    def __init__(self, session: Session, *, actor: Actor, now: datetime, accepted: Collection[str],
                 on_added: Callable[[Partnership], None], source: str):
        self.session, self.actor, self.now, self.source = session, actor, now, source
        self.on_added = on_added
        self.record_event: Callable[..., object] | None = None  # the bulk import writes audit events itself
        self.can_add = actor.can(Permission.MANAGE_REFERENCE)
        self.accepted = set(accepted) if self.can_add else set()
        listed = list(session.scalars(select(Partnership).where(Partnership.active.is_(True))))
        self.by_name = {folded_name(p.name): p for p in listed}
        self.keyed = [(key, p) for p in listed for key in partnership_keys(p)]
        self.proposals: dict[str, _Proposal] = {}

    def read(self, value: object, *, review_type: str | None, row: int, icb_code: str | None) -> PartnershipFound:
        """The partnership a cell names (None for a blank cell)."""
        text = clean_text(value)
        if text is None:
            return PartnershipFound(None)
        exact = self.by_name.get(folded_name(text))
        if exact is not None:
            return PartnershipFound(exact.id)
        key = name_key(text)
        kind = key.kind or kind_for_type(review_type)
        wanted = NameKey(kind, key.area)
        same = list({p.id: p for k, p in self.keyed
                     if key.area and k.area == key.area and (kind is None or k.kind == kind)}.values())
        if len(same) == 1:
            return PartnershipFound(same[0].id, f"Read as {same[0].name} (the name in the file differs in case, "
                                                "punctuation, abbreviations or the words every partnership shares).")
        violations = partnership_violations(text)
        if violations:
            return PartnershipFound(None, pii=violations[0].message)
        proposal = self.proposals.get(wanted.text)
        if proposal is None:
            proposal = self.proposals[wanted.text] = _Proposal(wanted, " ".join(text.split()),
                                                               nearest=self._nearest(wanted))
        proposal.rows.append(row)
        proposal.icbs.add(icb_code)
        number = list(self.proposals).index(wanted.text) + 1
        if wanted.text in self.accepted and kind is not None:
            if proposal.created is None:
                proposal.created = add_partnership(
                    self.session, name=proposal.name, kind=kind, icb_code=icb_code,
                    local_authority=local_authority_names().get(key.area), source=self.source, actor=self.actor,
                    now=self.now, record_event=self.record_event)
                self.by_name[folded_name(proposal.created.name)] = proposal.created
                self.on_added(proposal.created)
            return PartnershipFound(proposal.created.id, f"New partnership {number} was accepted: added to the "
                                                         "managed list.", number)
        return PartnershipFound(None, proposal=number)

    def _nearest(self, key: NameKey) -> str | None:
        """The managed partnership of the same kind whose area shares most words with the name's, if any does."""
        area = NameKey(None, key.area)
        scored = [(similarity(area, NameKey(None, k.area)), p.name) for k, p in self.keyed
                  if key.kind is None or k.kind == key.kind]
        best = max(scored, key=lambda s: (s[0], [-ord(c) for c in s[1]]), default=None)
        return best[1] if best and best[0] >= NEAREST_AT_LEAST else None

    def report(self) -> list[PartnershipProposal]:
        """The proposals, in the order the file first names them."""
        out = []
        for text, p in self.proposals.items():
            icbs = {i for i in p.icbs if i}
            out.append(PartnershipProposal(
                key=text, name=p.name, kind=p.key.kind, kind_label=Partnership.KINDS.get(p.key.kind or "", "unknown "
                                                                                         "(the name does not say)"),
                icb_code=icbs.pop() if len(icbs) == 1 else None,
                local_authority=local_authority_names().get(p.key.area), rows=tuple(p.rows), nearest=p.nearest,
                accepted=p.created is not None))
        return out
