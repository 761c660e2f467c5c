"""One row of a file as a ReviewInput (plus its latest update and rapid review decision), its cell problems and
the notes on how its values were read."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from app.imports.headers import HeaderMap, target_label
from app.imports.lookups import ReferenceLookups
from app.imports.partnerships import PartnershipMatcher
from app.imports.report import NOTE, REFUSED, CellProblem, Remapped
from app.imports.values import (
    CellError,
    clean_text,
    parse_bool,
    parse_date,
    parse_initials,
    parse_outcome,
    parse_publication_status,
    parse_review_type,
    parse_status,
    value_kind,
)
from app.imports.xlsx import MAX_CELL_CHARS, Formula, Oversized
from app.reviews.rules import STEIS_PATTERN, ReviewInput
from app.reviews.types import RapidOutcome

TEMPLATE_EXAMPLE_PREFIX = "EXAMPLE-"  # every identifier of the template's example rows starts so
TEXT_FIELDS = ("type_other_description", "lfpse_reference", "overview", "report_url", "learning_1", "learning_2",
               "learning_3", "recommendations")
FREE_TEXT_TARGETS = {"overview", "learning_1", "learning_2", "learning_3", "recommendations", "latest_update",
                     "type_other_description"}
DATE_FIELDS = ("date_added", "incident_date", "incident_learned_date", "notification_date", "signed_off_date",
               "qa_submitted_date", "qa_feedback_date", "qa_approved_date", "publication_date",
               "embargo_review_date")
THEME_TARGETS = ("theme_1", "theme_2", "theme_3")
# A combined identifier cell may hold several identifiers: "2021/12345 / NOTTS-7", "LFPSE 123456; NOTTS-7".
IDENTIFIER_SEPARATORS = re.compile(r"\s+/\s+|[;|,\n]+|\s+and\s+|\s+&\s+")
LFPSE_LABEL = re.compile(r"^lfpse\s*(?:ref(?:erence)?|id|no\.?|number)?\s*[:#\-]?\s*", re.IGNORECASE)
STEIS_LABEL = re.compile(r"^steis\s*(?:ref(?:erence)?|id|no\.?|number)?\s*[:#\-]?\s*", re.IGNORECASE)
# The file column a rule's field is reported on (first one the file has).
FIELD_COLUMNS: dict[str, tuple[str, ...]] = {
    "organisation_code": ("organisation_code", "organisation_name"),
    "partnership_id": ("partnership",),
    "themes": ("theme_1", "themes", "theme_2", "theme_3"),
    "steis_number": ("steis_number", "steis_or_local"),
    "lfpse_reference": ("lfpse_reference", "steis_or_local"),
    "local_identifier": ("local_identifier", "steis_or_local"),
    "text": ("latest_update",),
    "entry_date": ("latest_update_on",),
    "converted_to_id": ("converted_to", "rapid_outcome"),
    "status": ("status",),
}


@dataclass
class ImportRow:
    """A parsed row: the review's fields, which of them the file sets, and what else the row asks for."""

    number: int
    data: ReviewInput
    cells: dict[str, Any]
    present: set[str] = field(default_factory=set)
    latest_update: str | None = None
    latest_update_on: date | None = None
    decision_date: date | None = None
    rapid_outcome: RapidOutcome | None = None
    converted: bool = False
    converted_to: str | None = None
    tracker_number: str | None = None
    status_in_file: str | None = None
    remapped: Remapped | None = None
    problems: list[CellProblem] = field(default_factory=list)
    known_missing: set[str] = field(default_factory=set)  # fields the file names that could not be filled
    partnership_proposal: int | None = None

    @property
    def identifier(self) -> str:
        """The identifier people use (StEIS number, LFPSE reference, else local identifier)."""
        d = self.data
        return d.steis_number or d.lfpse_reference or d.local_identifier or f"row {self.number}"


def split_identifiers(text: str) -> dict[str, str]:
    """A combined 'StEIS number / local identifier' cell split by value: a StEIS number (YYYY/NNNNN), an LFPSE
    reference (labelled 'LFPSE'), and anything else as the local identifier (the first of each kind wins)."""
    found: dict[str, str] = {}
    for part in (p.strip() for p in IDENTIFIER_SEPARATORS.split(text)):
        if not part:
            continue
        if LFPSE_LABEL.match(part) and LFPSE_LABEL.sub("", part):
            found.setdefault("lfpse_reference", LFPSE_LABEL.sub("", part))
        elif STEIS_PATTERN.match(STEIS_LABEL.sub("", part)):
            found.setdefault("steis_number", STEIS_LABEL.sub("", part))
        else:
            found.setdefault("local_identifier", part)
    return found


def is_template_example(identifier: str | None) -> bool:
    """Whether a local identifier is one of the template's examples (EXAMPLE-..., in any case)."""
    return (identifier or "").strip().casefold().startswith(TEMPLATE_EXAMPLE_PREFIX.casefold())


class RowReader:
    """Turns the cells of a row into an ImportRow, using the file's columns and the reference data."""

    def __init__(self, headers: HeaderMap, lookups: ReferenceLookups, *, epoch: datetime, csv: bool,
                 partnerships: PartnershipMatcher):
        self.headers = headers
        self.lookups = lookups
        self.epoch = epoch
        self.csv = csv
        self.partnerships = partnerships
        self.parsers = self._parsers()  # built once: the same for every row of the file

    def column_header(self, target: str) -> str:
        """The file's header for a target (or the target's label when the file has no such column)."""
        column = self.headers.column_for(target)
        return column.header if column else target_label(target)

    def problem(self, row: ImportRow, field_or_target: str, message: str, *, severity: str = REFUSED,
                category: str = "value") -> CellProblem:
        """A problem on the column that holds a field, with the kind of value found there."""
        targets = FIELD_COLUMNS.get(field_or_target, (field_or_target,))
        for target in targets:
            column = self.headers.column_for(target)
            if column is not None:
                return CellProblem(row.number, column.header, value_kind(row.cells.get(target)), message, severity,
                                   category)
        return CellProblem(row.number, f"{target_label(targets[0])} (no such column)", "missing", message, severity,
                           category)

    def _cell(self, row: ImportRow, target: str, message: str, *, severity: str = REFUSED,
              category: str = "value") -> None:
        raw = row.cells.get(target)
        row.problems.append(CellProblem(row.number, self.column_header(target), value_kind(raw), message, severity,
                                        category))

    def read(self, number: int, cells: list[Any]) -> ImportRow:
        """Parse every cell of one row; problems are collected, never raised."""
        raw = {c.target: (cells[c.index] if c.index < len(cells) else None) for c in self.headers.columns}
        row = ImportRow(number, ReviewInput(), raw)
        for target in list(raw):
            if not self._readable(row, target, raw[target]):
                raw[target] = None
        for target, parse in self.parsers:
            if target in raw:
                try:
                    parse(row, raw[target])
                except CellError as exc:
                    self._cell(row, target, str(exc), category="organisation" if target.startswith(
                        "organisation") else "value")
        self._themes(row, raw)
        self._identifiers(row, raw)
        self._partnership(row, raw)
        return row

    def _readable(self, row: ImportRow, target: str, value: Any) -> bool:
        """Whether a cell can be read at all: a formula (XLSX) or an over-long cell refuses the row; formula-like
        text in a CSV is text (kept in a free-text column, with a note)."""
        if isinstance(value, Formula):
            self._cell(row, target, "The cell holds a formula, which is never imported: replace it by its value "
                                    "(copy, then paste values only).", category="formula")
            return False
        if isinstance(value, Oversized):
            self._cell(row, target, f"The cell holds {value.length:,} characters, more than the {MAX_CELL_CHARS:,} "
                                    "a spreadsheet cell can hold: shorten it.", category="too long")
            return False
        if (self.csv and target in FREE_TEXT_TARGETS and isinstance(value, str) and value.startswith("=")
                and len(value) > 1):
            self._cell(row, target, "The text starts with '=' as a formula would: it is imported as text, never "
                                    "run (exports mark it as text too).", severity=NOTE, category="formula")
        return True

    # -- one parser per target, in the order the later ones depend on (type before themes)
    def _parsers(self) -> list[tuple[str, Callable[[ImportRow, Any], None]]]:
        def put(name, parse):
            def apply(row: ImportRow, value: Any) -> None:
                setattr(row.data, name, parse(value))
                row.present.add(name)
            return apply

        def attr(name, parse):
            def apply(row: ImportRow, value: Any) -> None:
                setattr(row, name, parse(value))
            return apply

        def as_date(value: Any) -> date | None:
            return parse_date(value, epoch=self.epoch)

        parsers = [("review_type", self._review_type),
                   ("organisation_code", lambda row, v: self._organisation(row, v, "organisation_code")),
                   ("organisation_name", lambda row, v: self._organisation(row, v, "organisation_name")),
                   ("dp_initials", put("dp_initials", parse_initials)),
                   ("media_interest", put("media_interest", lambda v: bool(parse_bool(v)))),
                   ("publication_status", put("publication_status", parse_publication_status)),
                   ("latest_update", attr("latest_update", clean_text)),
                   ("latest_update_on", attr("latest_update_on", as_date)),
                   ("decision_date", attr("decision_date", as_date)),
                   ("rapid_outcome", attr("rapid_outcome", parse_outcome)),
                   ("converted_to", attr("converted_to", clean_text)),
                   ("tracker_number", attr("tracker_number", clean_text)),
                   ("status", attr("status_in_file", parse_status))]
        parsers += [(name, put(name, as_date)) for name in DATE_FIELDS]
        parsers += [(name, put(name, clean_text)) for name in TEXT_FIELDS]
        return parsers

    def _review_type(self, row: ImportRow, value: Any) -> None:
        row.data.review_type, row.converted = parse_review_type(value)
        row.present.add("review_type")

    def _organisation(self, row: ImportRow, value: Any, target: str) -> None:
        if row.data.organisation_code:
            return  # the code column wins over the name column
        match = self.lookups.organisation(value)
        if match is None:
            return
        row.data.organisation_code = match.code
        row.present.add("organisation_code")
        if match.how:
            row.remapped = Remapped(row.number, self.column_header(target), match.how, match.source or "",
                                    match.code, match.name)

    def _themes(self, row: ImportRow, raw: dict[str, Any]) -> None:
        targets = [t for t in (*THEME_TARGETS, "themes") if t in raw]
        if not targets:
            return
        row.present.add("themes")
        values: list[tuple[str, Any]] = [(t, raw[t]) for t in THEME_TARGETS if t in raw]
        if "themes" in raw:
            text = clean_text(raw["themes"]) or ""
            values += [("themes", part) for part in re.split(r"[;|\n]", text) if part.strip()]
        first_column: dict[str, str] = {}
        for target, value in values:
            try:
                match = self.lookups.theme(value, row.data.review_type)
            except CellError as exc:
                self._cell(row, target, str(exc))
                continue
            if match is None:
                continue
            header = self.column_header(target)
            if match.code in first_column:
                self._cell(row, target, f"The same theme as {first_column[match.code]}: kept once.", severity=NOTE,
                           category="theme")
                continue
            first_column[match.code] = header
            row.data.themes.append(match.code)
            if match.read_from:
                self._cell(row, target, f"A name on more than one theme list: read from {match.read_from}.",
                           severity=NOTE, category="theme")

    def _identifiers(self, row: ImportRow, raw: dict[str, Any]) -> None:
        for name in ("steis_number", "local_identifier"):
            if name in raw:
                setattr(row.data, name, clean_text(raw[name]))
                row.present.add(name)
        combined = clean_text(raw.get("steis_or_local"))
        if combined:
            parts = split_identifiers(combined)
            for name, value in parts.items():
                if not getattr(row.data, name):
                    setattr(row.data, name, value)
                    row.present.add(name)
            if len(parts) > 1 or set(parts) != {"local_identifier"}:
                read = ", ".join(target_label(n) for n in parts)
                self._cell(row, "steis_or_local", f"Read by value as: {read}.", severity=NOTE, category="identifier")
        if is_template_example(row.data.local_identifier):
            row.problems.append(self.problem(row, "local_identifier", "This is the template's example row: delete "
                                                                      "it before importing."))

    def _partnership(self, row: ImportRow, raw: dict[str, Any]) -> None:
        if "partnership" not in raw:
            return
        row.present.add("partnership_id")
        location = self.lookups.locations.get(row.data.organisation_code or "")
        found = self.partnerships.read(raw["partnership"], review_type=row.data.review_type, row=row.number,
                                       icb_code=location.icb_code if location is not None else None)
        row.data.partnership_id = found.partnership_id
        if found.pii:
            self._cell(row, "partnership", found.pii, category="pii")
        elif found.partnership_id is None and found.proposal is not None:
            row.known_missing.add("partnership_id")
            row.partnership_proposal = found.proposal
        if found.note:
            self._cell(row, "partnership", found.note, severity=NOTE, category="partnership")
