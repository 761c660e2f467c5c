"""Which field each column of a file holds: header synonyms (case and spacing insensitive) and mapping files.

Every header of the tracker's own export (app.reviews.export.EXPORT_HEADERS) and of the national S-CRT extract
maps back to a field, so an exported file imports again unchanged. Anything else can be named in a mapping file
(CSV `source header,field` or JSON `{"source header": "field"}`).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from app.imports.readers import ImportRefused, is_blank
from app.reviews.fields import label

# Import targets: the ReviewInput fields plus what the importer reads around them. Label, then synonyms.
TARGETS: dict[str, tuple[str, ...]] = {
    "tracker_number": ("Tracker number", "tracker no", "tracker id", "tracker ref"),
    "status": ("Status", "review status", "case status", "open closed"),
    "review_type": ("Type of review", "review type", "type", "kind of review", "type of case review"),
    "type_other_description": ("Other review type (description)", "other review type", "other type",
                               "type other description", "other type description", "description of other type"),
    "date_added": ("Date added", "date of decision to review", "decision to review date", "date referred",
                   "referral date", "date of referral", "date opened", "date added to tracker", "added"),
    "organisation_code": ("Sub-ICB location code", "sub icb code", "sub icb location", "sub icb", "sub icb ods code",
                          "ccg code", "ccg", "ccg ods code", "organisation code", "org code", "ods code",
                          "organisation", "location code", "commissioner code", "commissioner"),
    "organisation_name": (label("recorded_organisation_name"), "ccg area", "ccg name", "sub icb location name",
                          "sub icb name", "organisation name", "org name", "commissioner name"),
    "dp_initials": (label("dp_initials"), "designated professional initials", "dp initials", "initials",
                    "designated professional", "dp"),
    "partnership": (label("partnership"), "partnership", "safeguarding partnership", "partnership board",
                    "safeguarding board", "board", "csp", "board partnership csp", "sab lscp csp", "partnership name"),
    "steis_number": ("StEIS number", "steis", "steis no", "steis ref", "steis reference", "steis id"),
    "lfpse_reference": ("LFPSE reference", "lfpse", "lfpse ref", "lfpse id", "lfpse number", "lfpse no"),
    "local_identifier": ("Local identifier", "local id", "local ref", "local reference", "case reference",
                         "case ref", "case id", "review reference", "review ref", "reference"),
    "steis_or_local": ("StEIS number / local identifier", "steis local identifier", "steis or local identifier",
                       "steis number or local identifier", "steis local id", "identifier"),
    "incident_date": ("Incident date", "date of incident", "incident", "date of death or incident"),
    "incident_learned_date": (label("incident_learned_date"), "date learned of incident", "date became aware",
                              "date partnership became aware", "date of awareness", "date lscp became aware"),
    "notification_date": ("Notification date", "date notified", "date of notification", "notified",
                          "serious incident notification date", "panel notification date", "date notified to panel"),
    "decision_date": ("Decision date", "date of decision", "rapid review decision date", "rr decision date",
                      "date decided"),
    "rapid_outcome": ("Rapid review decision", "rapid review outcome", "rr outcome", "rr decision", "outcome",
                      "decision", "outcome of rapid review"),
    "converted_to": (label("converted_to_id"), "converted to review", "became", "converted into"),
    "overview": ("Brief overview", "overview", "summary", "case summary", "brief summary", "description"),
    "theme_1": ("Theme 1", "abuse vulnerability theme 1", "theme1", "primary theme", "theme", "main theme"),
    "theme_2": ("Theme 2", "abuse vulnerability theme 2", "theme2", "secondary theme"),
    "theme_3": ("Theme 3", "abuse vulnerability theme 3", "theme3"),
    "themes": ("Themes", "abuse vulnerability themes", "themes 1 3", "abuse themes"),
    "media_interest": ("Media interest", "media", "media interest y n", "press interest", "media interest yes no"),
    "latest_update": ("Latest update", "update", "latest position", "current position", "progress update",
                      "latest progress", "update text"),
    "latest_update_on": ("Latest update date", "date of latest update", "update date", "date updated",
                         "last updated", "date of update"),
    "signed_off_date": ("Date report signed off", "date signed off", "signed off date", "sign off date",
                        "report signed off", "date of sign off", "signed off"),
    "qa_submitted_date": (label("qa_submitted_date"), "qa submitted", "date submitted to qa panel",
                          "submitted to qa panel", "qa panel submission date", "home office qa submission"),
    "qa_feedback_date": (label("qa_feedback_date"), "qa feedback", "qa panel feedback", "qa feedback date",
                         "date of qa feedback", "home office feedback"),
    "qa_approved_date": (label("qa_approved_date"), "qa approved", "qa panel approval", "date approved by qa panel",
                         "qa approval date", "home office approval"),
    "publication_date": ("Publication date", "date published", "published date", "published", "date of publication"),
    "publication_status": ("Public / embargoed", "public or embargoed", "publication status", "public embargoed",
                           "embargoed"),
    "embargo_review_date": ("Embargo review date", "embargo review", "embargo date", "date of embargo review"),
    "report_url": ("Web link to report", "web link", "report link", "link to report", "report url", "url", "link",
                   "weblink"),
    "learning_1": ("Organisational learning 1", "learning 1", "org learning 1", "organisational learning",
                   "organisational learning 1 3", "learning"),
    "learning_2": ("Organisational learning 2", "learning 2", "org learning 2"),
    "learning_3": ("Organisational learning 3", "learning 3", "org learning 3"),
    "recommendations": ("Lessons learned / recommendations", "lessons learned", "lessons learnt", "recommendations",
                        "lessons learnt recommendations", "lessons recommendations"),
}

# Columns the tracker derives from the organisation (or records itself): recognised, never imported.
DERIVED: tuple[str, ...] = (
    label("recorded_icb_code"), label("recorded_icb_name"), label("recorded_region_code"),
    label("recorded_region_name"), "STP/ICS area", "STP/ICS code", "ICB code", "ICB name", "ICB", "ICS", "STP",
    "ICB / ICS", "Region", "Region name", "Region code", "NHS region", "Closed on", "Created", "Last edited",
)
IGNORE = "ignore"
ALIASES = {"organisation": "organisation_code", "partnership_id": "partnership", "id": "tracker_number",
           "converted_to_id": "converted_to", "theme": "theme_1", "skip": IGNORE, "": IGNORE}


def normalise_header(text: Any) -> str:
    """A header folded for matching: lower case, '&' as 'and', punctuation and spacing as single spaces."""
    folded = str(text or "").replace("\ufeff", "").replace("\xa0", " ").casefold().replace("&", " and ")
    return " ".join(re.sub(r"[^0-9a-z]+", " ", folded).split())


def _without_brackets(text: Any) -> str:
    return normalise_header(re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", str(text or "")))


SYNONYMS: dict[str, str] = {}
for _target, _names in TARGETS.items():
    for _name in _names:
        SYNONYMS.setdefault(normalise_header(_name), _target)
        SYNONYMS.setdefault(_without_brackets(_name), _target)
for _name in DERIVED:
    SYNONYMS.setdefault(normalise_header(_name), IGNORE)


def target_label(target: str) -> str:
    """How a target is named to users (the export header where there is one)."""
    return TARGETS[target][0] if target in TARGETS else label(target)


@dataclass(frozen=True)
class Column:
    """One column of the file and the field it holds."""

    index: int
    header: str
    target: str


@dataclass
class HeaderMap:
    """What each column of the file holds, and what was not recognised."""

    header_row: int
    columns: list[Column] = field(default_factory=list)
    derived: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)

    def column_for(self, target: str) -> Column | None:
        """The column holding a target, if the file has one."""
        return next((c for c in self.columns if c.target == target), None)

    @property
    def targets(self) -> set[str]:
        """Every target the file has a column for."""
        return {c.target for c in self.columns}


def recognise(header: Any, mapping: Mapping[str, str] | None = None) -> str | None:
    """The target of one header (IGNORE for a derived column), or None when it is not recognised."""
    key = normalise_header(header)
    if mapping and key in mapping:
        return mapping[key]
    return SYNONYMS.get(key) or SYNONYMS.get(_without_brackets(header))


def _shown(header: Any) -> str:
    text = " ".join(str(header).split())
    return text if len(text) <= 60 else text[:57] + "..."


def find_header_row(rows: list[tuple[int, list[Any]]], mapping: Mapping[str, str] | None = None) -> int:
    """Index (in rows) of the header: the first of the leading rows with two or more recognised headers."""
    for index, (_, cells) in enumerate(rows):
        known = sum(1 for c in cells if not is_blank(c) and recognise(c, mapping) not in (None, IGNORE))
        if known >= 2 or (known == 1 and sum(1 for c in cells if not is_blank(c)) == 1):
            return index
    return 0


def map_headers(header_row: int, cells: list[Any], mapping: Mapping[str, str] | None = None) -> HeaderMap:
    """Match every header of the header row, refusing files that cannot be read safely (ImportRefused)."""
    result = HeaderMap(header_row)
    seen: dict[str, Column] = {}
    for index, cell in enumerate(cells):
        if is_blank(cell):
            continue
        header = str(cell).strip()
        target = recognise(header, mapping)
        if target is None:
            result.unknown.append(_shown(header))
        elif target == IGNORE:
            result.derived.append(_shown(header))
        elif target in seen:
            raise ImportRefused(f"Columns {_shown(seen[target].header)!r} and {_shown(header)!r} both hold "
                                f"{target_label(target)}. Delete one, or give a mapping file that says which "
                                "to use (map the other to 'ignore').")
        else:
            seen[target] = Column(index, header, target)
            result.columns.append(seen[target])
    if not result.columns:
        found = ", ".join(repr(h) for h in result.unknown[:12]) or "none"
        raise ImportRefused(f"None of the columns is recognised (headers found in row {header_row}: {found}). Use "
                            "the template's column names, or give a mapping file.")
    targets = result.targets
    if not targets & {"organisation_code", "organisation_name"}:
        raise ImportRefused("The file has no organisation column (for example 'Sub-ICB location code', "
                            "'CCG code' or 'CCG'): every review belongs to an organisation.")
    if not targets & {"steis_number", "lfpse_reference", "local_identifier", "steis_or_local"}:
        raise ImportRefused("The file has no identifier column ('StEIS number', 'LFPSE reference' or "
                            "'Local identifier'): reviews are matched by organisation and identifier.")
    return result


def _mapping_target(value: str) -> str | None:
    key = value.strip()
    if key in TARGETS or key == IGNORE:
        return key
    if key.casefold() in ALIASES:
        return ALIASES[key.casefold()]
    by_label = {normalise_header(names[0]): t for t, names in TARGETS.items()}
    return by_label.get(normalise_header(key))


def load_mapping(data: bytes) -> dict[str, str]:
    """A mapping file (CSV 'source header,field' or a JSON object) as {normalised header: target}."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRefused("The mapping file is not UTF-8 text.") from None
    pairs: list[tuple[str, str]]
    if text.lstrip().startswith("{"):
        try:
            loaded = json.loads(text)
        except ValueError:
            raise ImportRefused("The mapping file is not valid JSON.") from None
        if not isinstance(loaded, dict) or not all(isinstance(v, str) for v in loaded.values()):
            raise ImportRefused('The JSON mapping file must be an object of "source header": "field".')
        pairs = [(str(k), v) for k, v in loaded.items()]
    else:
        try:
            rows = [r for r in csv.reader(io.StringIO(text)) if any(c.strip() for c in r)]
        except csv.Error:
            raise ImportRefused("The mapping file is not a readable CSV file.") from None
        if rows and [c.strip().casefold() for c in rows[0][:2]] in (["source", "field"], ["header", "field"],
                                                                    ["source header", "field"]):
            rows = rows[1:]
        if any(len(r) < 2 for r in rows):
            raise ImportRefused("Each line of the mapping file needs two values: the file's header, then the field.")
        pairs = [(r[0], r[1]) for r in rows]
    mapping: dict[str, str] = {}
    for source, wanted in pairs:
        target = _mapping_target(wanted)
        if target is None:
            raise ImportRefused(f"The mapping file names an unknown field {_shown(wanted)!r}. Fields: "
                                f"{', '.join(sorted(TARGETS))}, or 'ignore'.")
        mapping[normalise_header(source)] = target
    if not mapping:
        raise ImportRefused("The mapping file is empty.")
    return mapping
