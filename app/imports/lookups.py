"""Reference data as people write it: organisations by code (current, April 2021 or legacy CCG) or by name,
themes by code or label, partnerships by name. Loaded once per import and kept in memory.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.imports.values import CellError, clean_text, fold
from app.orgs.hierarchy import UnknownOrganisation, current_location_for
from app.orgs.models import CcgCrosswalk, HierarchyEntry, LegacyCcgCode, SubIcbLocation, Theme
from app.reviews.types import ReviewType

CODE = re.compile(r"^[0-9A-Z]{3,5}$")
CURRENT_NAME = "sub-ICB location name"
# Which theme list a label shared by several lists follows, by review type: an adult review reads the Care Act
# list, a child review the Working Together list, a DHR the Domestic Abuse Act list first (then the list of its
# victim's age: adult, or child for a 16-17 year old).
AUDIENCES = {ReviewType.SAR_MANDATORY: ("adult",), ReviewType.SAR_DISCRETIONARY: ("adult",),
             ReviewType.CSPR: ("child",), ReviewType.RAPID: ("child",), ReviewType.DHR: ("domestic", "adult"),
             ReviewType.DHR_CHILD: ("domestic", "child")}
AUDIENCE_LISTS = {"adult": "the Care Act list (an adult review)", "child": "the Working Together list (a child "
                  "review)", "domestic": "the Domestic Abuse Act list (a domestic homicide review)"}


@dataclass(frozen=True)
class ThemeMatch:
    """A theme code, and the list a shared label was read from (None when the cell named one theme only)."""

    code: str
    read_from: str | None = None


@dataclass(frozen=True)
class OrganisationMatch:
    """Today's sub-ICB location for a cell, and how it was found (None: by its current code)."""

    code: str
    name: str
    how: str | None = None
    source: str | None = None  # the reference code or name it was found by (reference data, never the raw cell)


def _bracketless(text: str) -> str:
    return re.sub(r"\([^)]*\)", " ", text)


def _name_keys(name: str) -> set[str]:
    """The ways a reference name may be written: with or without 'NHS', 'CCG', 'ICB - code'."""
    base = fold(name)
    keys = {base}
    stripped = re.sub(r" icb [0-9a-z]{3,5}$", "", base)
    for text in {base, stripped}:
        no_nhs = text[4:] if text.startswith("nhs ") else text
        for candidate in (text, no_nhs):
            keys.add(candidate)
            if candidate.endswith(" ccg"):
                keys.add(candidate[:-4])
    keys.discard("")
    return keys


def _input_keys(text: str) -> list[str]:
    """A typed name folded, then without 'NHS', without 'CCG', without an 'ICB - code' suffix: most specific first."""
    keys = [fold(text)]
    for pattern in (r"^nhs ", r" ccg$", r" icb [0-9a-z]{3,5}$"):
        keys.append(re.sub(pattern, "", keys[-1]))
    return list(dict.fromkeys(k for k in keys if k))


class ReferenceLookups:
    """Organisation, theme and partnership look-ups for one import (strong references keep the session's cache)."""

    def __init__(self, session: Session):
        self.session = session
        self.locations = {loc.code: loc for loc in session.scalars(select(SubIcbLocation))}
        self.themes = list(session.scalars(select(Theme)))
        self._codes: dict[str, OrganisationMatch] = {}
        self._names = self._organisation_names()
        self._theme_codes = {t.code.casefold(): t for t in self.themes}
        self._theme_labels: dict[str, list[Theme]] = {}
        for theme in self.themes:
            for key in {fold(theme.label), fold(_bracketless(theme.label))}:
                self._theme_labels.setdefault(key, []).append(theme)

    # -- organisations
    def _organisation_names(self) -> dict[str, set[tuple[str, str, str]]]:
        """Folded name -> {(current code, how, reference name)} for current, 2021/2022 and legacy names."""
        names: dict[str, set[tuple[str, str, str]]] = {}

        def add(name: str | None, code: str | None, how: str) -> None:
            if not name or code not in self.locations:
                return
            for key in _name_keys(name):
                names.setdefault(key, set()).add((code, how, name))

        for loc in self.locations.values():
            add(loc.name, loc.code, CURRENT_NAME)
        first = self.session.scalar(select(func.min(HierarchyEntry.valid_from)))
        for entry in self.session.scalars(select(HierarchyEntry)):
            kind = "CCG" if entry.valid_from == first else "sub-ICB location"
            add(entry.location_name, entry.location_code, f"{entry.vintage_label} {kind} name")
        for row in self.session.scalars(select(CcgCrosswalk)):
            add(row.ccg_name, row.location_code, "April 2021 CCG name")
        for legacy in self.session.scalars(select(LegacyCcgCode)):
            add(legacy.legacy_name, self._current_code(legacy.ccg_code), "old CCG name")
        return names

    def _current_code(self, code: str) -> str | None:
        try:
            return current_location_for(self.session, code)[0].code
        except UnknownOrganisation:
            return None

    def organisation(self, value: Any) -> OrganisationMatch | None:
        """Today's sub-ICB location for a code or a name; CellError when unknown or ambiguous."""
        text = clean_text(value)
        if text is None:
            return None
        code = text.upper().replace(" ", "")
        if CODE.match(code):
            match = self._by_code(code)
            if match is not None:
                return match
        return self._by_name(text)

    def _by_code(self, code: str) -> OrganisationMatch | None:
        if code not in self._codes:
            try:
                location, legacy = current_location_for(self.session, code)
            except UnknownOrganisation:
                return None
            location = self.locations.get(location.code, location)
            source = None
            if legacy:
                old = self.session.get(LegacyCcgCode, legacy)
                source = f"{legacy} {old.legacy_name}" if old is not None and old.legacy_name else legacy
            self._codes[code] = OrganisationMatch(location.code, location.name, "old CCG code" if legacy else None,
                                                  source)
        return self._codes[code]

    def _by_name(self, text: str) -> OrganisationMatch:
        found: set[tuple[str, str, str]] = set()
        for key in _input_keys(text):  # the most specific spelling that names something wins
            found = self._names.get(key, set())
            if found:
                break
        codes = {code for code, _, _ in found}
        if not codes:
            raise CellError("Not a sub-ICB location or CCG: expected an ODS code (for example 93C, or an old CCG "
                            "code such as 00C) or the organisation's name.")
        if len(codes) > 1:
            raise CellError(f"The name matches several organisations ({', '.join(sorted(codes))}): use the ODS code.")
        code = codes.pop()
        if any(h == CURRENT_NAME for _, h, _ in found):
            return OrganisationMatch(code, self.locations[code].name)  # today's name: nothing was remapped
        how, source = sorted((h, n) for _, h, n in found)[0]
        return OrganisationMatch(code, self.locations[code].name, how, source)

    # -- themes
    def theme(self, value: Any, review_type: str | None) -> ThemeMatch | None:
        """A theme from its code or label (a label shared by several lists follows the review type)."""
        text = clean_text(value)
        if text is None:
            return None
        by_code = self._theme_codes.get(text.casefold().replace(" ", "_"))
        if by_code is not None:
            return ThemeMatch(by_code.code)
        candidates = self._theme_labels.get(fold(text)) or self._theme_labels.get(fold(_bracketless(text))) or []
        if len(candidates) == 1:
            return ThemeMatch(candidates[0].code)
        if candidates and review_type in {t.value for t in AUDIENCES}:
            for audience in AUDIENCES[ReviewType(review_type)]:
                chosen = [t for t in candidates if t.applies_to == audience]
                if len(chosen) == 1:
                    return ThemeMatch(chosen[0].code, AUDIENCE_LISTS[audience])
        if candidates:
            codes = ", ".join(sorted(t.code for t in candidates))
            raise CellError(f"The theme's name matches several themes ({codes}): use the theme code.")
        raise CellError("Not on the managed theme list: expected a theme code (for example CA_NEGLECT) or its label.")
