"""Safeguarding partnerships as people write them, and adding one to the managed list.

A tracker writes "Notts SAB", "Camden Safeguarding Adults Board" or "Bassetlaw Newark & Sherwood CSP" for what the
managed list calls "Nottinghamshire Safeguarding Adults Board", "Camden Safeguarding Adults Partnership Board" and
"Bassetlaw, Newark and Sherwood Community Safety Partnership". `name_key` reduces a name to what identifies it:
the kind of partnership (adults board, children's partnership, community safety partnership) and the area's own
words (the local authority named in it), ignoring case, punctuation, abbreviations and the words every
partnership's name shares ("Safeguarding", "Board", "Partnership", "Borough", "City"...).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.audit.service import record
from app.orgs.models import Partnership
from app.people.actor import Actor, require
from app.people.roles import Permission
from app.privacy.guard import check_fields
from app.reviews.rules import Violation
from app.reviews.types import ReviewType

# Abbreviations seen in trackers, expanded word by word before a name is reduced to its key.
ABBREVIATIONS = {
    "sab": "safeguarding adults board", "sapb": "safeguarding adults partnership board",
    "lsab": "local safeguarding adults board", "lscp": "local safeguarding children partnership",
    "scp": "safeguarding children partnership", "lscb": "local safeguarding children board",
    "scb": "safeguarding children board", "csp": "community safety partnership",
    "cdp": "crime and drugs partnership", "cdrp": "crime and disorder reduction partnership",
    "notts": "nottinghamshire", "nottm": "nottingham", "beds": "bedfordshire", "herts": "hertfordshire",
    "bucks": "buckinghamshire", "lancs": "lancashire", "leics": "leicestershire", "lincs": "lincolnshire",
    "northants": "northamptonshire", "glos": "gloucestershire", "wilts": "wiltshire", "staffs": "staffordshire",
    "worcs": "worcestershire", "cambs": "cambridgeshire", "oxon": "oxfordshire", "yorks": "yorkshire",
}
KIND_WORDS = {"SAB": {"adult", "adults"}, "LSCP": {"child", "children", "childrens"},
              "CSP": {"crime", "csp", "disorder"}}
# Words every partnership's name may carry: they say what it is, not where it is.
GENERIC = {
    "safeguarding", "adult", "adults", "child", "children", "childrens", "board", "boards", "partnership",
    "partnerships", "partners", "local", "community", "safety", "safer", "crime", "drugs", "disorder", "reduction",
    "the", "of", "and", "for", "in", "multi", "agency", "arrangements", "executive", "strategic", "group", "city",
    "county", "borough", "council", "metropolitan", "district", "royal", "london", "lb", "rb", "against",
    "working", "together", "joint", "s",
}
KIND_BY_TYPE = {ReviewType.SAR_MANDATORY: "SAB", ReviewType.SAR_DISCRETIONARY: "SAB", ReviewType.CSPR: "LSCP",
                ReviewType.RAPID: "LSCP", ReviewType.DHR: "CSP", ReviewType.DHR_CHILD: "CSP"}


@dataclass(frozen=True)
class NameKey:
    """What identifies a partnership's name: its kind (None when the name does not say) and its area's words."""

    kind: str | None
    area: frozenset[str]

    @property
    def text(self) -> str:
        """A stable string form (to name a proposal)."""
        return f"{self.kind or '?'}:{' '.join(sorted(self.area))}"


def _words(text: str | None) -> list[str]:
    folded = str(text or "").casefold().replace("&", " and ").replace("\u2019", "'").replace("'", "")
    words: list[str] = []
    for word in re.sub(r"[^0-9a-z]+", " ", folded).split():
        words.extend(ABBREVIATIONS.get(word, word).split())
    return words


def name_key(text: str | None) -> NameKey:
    """The kind and area words of a partnership's name as typed."""
    words = _words(text)
    present = set(words)
    kind = next((k for k, hints in KIND_WORDS.items() if present & hints), None)
    if kind is None and {"community", "safety"} <= present:
        kind = "CSP"
    return NameKey(kind, frozenset(w for w in words if w not in GENERIC))


def folded_name(text: str | None) -> str:
    """A name folded for an exact match: case, punctuation and spacing ignored."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", str(text or "").casefold().replace("&", " and ")).split())


def kind_for_type(review_type: str | None) -> str | None:
    """The kind of partnership that commissions a type of review (SAR: adults board, CSPR and rapid review:
    children's partnership, DHR: community safety partnership), None for other types."""
    try:
        return KIND_BY_TYPE.get(ReviewType(review_type)) if review_type else None
    except ValueError:
        return None


def partnership_keys(partnership: Partnership) -> list[NameKey]:
    """The keys a managed partnership answers to: its kind with its name's area words, and with its local
    authorities' names ("South Notts CSP" and "Rushcliffe, Broxtowe and Gedling CSP" are the same partnership)."""
    keys = [NameKey(partnership.kind, name_key(partnership.name).area)]
    if partnership.local_authority:
        keys.append(NameKey(partnership.kind, name_key(partnership.local_authority).area))
    return [k for k in dict.fromkeys(keys) if k.area]


def similarity(a: NameKey, b: NameKey) -> float:
    """How alike two keys are (0 to 2): shared area words, plus one for the same kind."""
    union = a.area | b.area
    overlap = len(a.area & b.area) / len(union) if union else 0.0
    return overlap + (1.0 if a.kind and a.kind == b.kind else 0.0)


def partnership_violations(name: str) -> list[Violation]:
    """What a new partnership's name may not be: blank, too long, or holding patient identifiable data."""
    if not name.strip():
        return [Violation("partnership", "Give the partnership's name.")]
    if len(name) > 200:
        return [Violation("partnership", "A partnership's name must be at most 200 characters.")]
    return [Violation("partnership", f.message) for f in check_fields({"partnership": name},
                                                                      labels={"partnership": "Partnership"})]


def add_partnership(session: Session, *, name: str, kind: str, icb_code: str | None, local_authority: str | None,
                    source: str, actor: Actor, now: datetime,
                    record_event: Callable[..., Any] | None = None) -> Partnership:
    """Add a partnership to the managed list (national admins), audited (through `record_event` when the caller
    writes its audit events itself, as the bulk import does); an existing name is returned as it is."""
    require(actor, Permission.MANAGE_REFERENCE)
    name = " ".join(name.split())
    existing = session.scalar(select(Partnership).where(func.lower(Partnership.name) == name.lower()))
    if existing is not None:
        return existing
    partnership = Partnership(name=name, kind=kind, icb_code=icb_code, local_authority=local_authority,
                              source=source[:300], active=True)
    session.add(partnership)
    session.flush()
    (record_event or partial(record, session))(
           action="partnership.create", actor=actor, now=now, entity="partnership",
           entity_id=partnership.id, changes={"name": [None, name], "kind": [None, kind], "icb_code": [None, icb_code]},
           detail=source[:300])
    return partnership
