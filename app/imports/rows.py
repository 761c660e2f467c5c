"""One row of a file as a ReviewInput (plus its latest update and rapid review decision) and its cell problems."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from app.imports.headers import HeaderMap, target_label
from app.imports.lookups import ReferenceLookups
from app.imports.report import CellProblem, Remapped
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
from app.reviews.rules import STEIS_PATTERN, ReviewInput
from app.reviews.types import RapidOutcome

TEMPLATE_EXAMPLE_ID = "EXAMPLE-ROW-DELETE-ME"
TEXT_FIELDS = ("type_other_description", "steis_number", "lfpse_reference", "local_identifier", "overview",
               "report_url", "learning_1", "learning_2", "learning_3", "recommendations")
DATE_FIELDS = ("date_added", "incident_date", "incident_learned_date", "notification_date", "signed_off_date",
               "qa_submitted_date", "qa_feedback_date", "qa_approved_date", "publication_date",
               "embargo_review_date")
THEME_TARGETS = ("theme_1", "theme_2", "theme_3")
# The file column a rule's field is reported on (first one the file has).
FIELD_COLUMNS: dict[str, tuple[str, ...]] = {
    "organisation_code": ("organisation_code", "organisation_name"),
    "partnership_id": ("partnership",),
    "themes": ("theme_1", "themes", "theme_2", "theme_3"),
    "steis_number": ("steis_number", "steis_or_local"),
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

    @property
    def identifier(self) -> str:
        """The identifier people use (StEIS number, LFPSE reference, else local identifier)."""
        d = self.data
        return d.steis_number or d.lfpse_reference or d.local_identifier or f"row {self.number}"


class RowReader:
    """Turns the cells of a row into an ImportRow, using the file's columns and the reference data."""

    def __init__(self, headers: HeaderMap, lookups: ReferenceLookups, *, epoch: datetime):
        self.headers = headers
        self.lookups = lookups
        self.epoch = epoch
        self.parsers = self._parsers()  # built once: the same for every row of the file

    def column_header(self, target: str) -> str:
        """The file's header for a target (or the target's label when the file has no such column)."""
        column = self.headers.column_for(target)
        return column.header if column else target_label(target)

    def problem(self, row: ImportRow, field_or_target: str, message: str) -> CellProblem:
        """A problem on the column that holds a field, with the kind of value found there."""
        targets = FIELD_COLUMNS.get(field_or_target, (field_or_target,))
        for target in targets:
            column = self.headers.column_for(target)
            if column is not None:
                return CellProblem(row.number, column.header, value_kind(row.cells.get(target)), message)
        return CellProblem(row.number, f"{target_label(targets[0])} (no such column)", "missing", message)

    def read(self, number: int, cells: list[Any]) -> ImportRow:
        """Parse every cell of one row; problems are collected, never raised."""
        raw = {c.target: (cells[c.index] if c.index < len(cells) else None) for c in self.headers.columns}
        row = ImportRow(number, ReviewInput(), raw)
        for target, parse in self.parsers:
            if target in raw:
                try:
                    parse(row, raw[target])
                except CellError as exc:
                    row.problems.append(CellProblem(number, self.column_header(target), value_kind(raw[target]),
                                                    str(exc)))
        self._themes(row, raw)
        self._identifiers(row, raw)
        return row

    # -- one parser per target, in the order the later ones depend on (type before themes)
    def _parsers(self):
        def put(name, parse):
            def apply(row: ImportRow, value: Any) -> None:
                setattr(row.data, name, parse(value))
                row.present.add(name)
            return apply

        def attr(name, parse):
            def apply(row: ImportRow, value: Any) -> None:
                setattr(row, name, parse(value))
            return apply

        as_date = lambda v: parse_date(v, epoch=self.epoch)  # noqa: E731
        parsers = [("review_type", self._review_type),
                   ("organisation_code", lambda row, v: self._organisation(row, v, "organisation_code")),
                   ("organisation_name", lambda row, v: self._organisation(row, v, "organisation_name")),
                   ("dp_initials", put("dp_initials", parse_initials)),
                   ("partnership", put("partnership_id", self.lookups.partnership)),
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
        parsers += [(name, put(name, clean_text)) for name in TEXT_FIELDS if name not in
                    ("steis_number", "local_identifier")]
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
        for target, value in values:
            try:
                code = self.lookups.theme(value, row.data.review_type)
            except CellError as exc:
                row.problems.append(CellProblem(row.number, self.column_header(target), value_kind(value), str(exc)))
                continue
            if code:
                row.data.themes.append(code)

    def _identifiers(self, row: ImportRow, raw: dict[str, Any]) -> None:
        for name in ("steis_number", "local_identifier"):
            if name in raw:
                setattr(row.data, name, clean_text(raw[name]))
                row.present.add(name)
        combined = clean_text(raw.get("steis_or_local"))
        if combined:
            name = "steis_number" if STEIS_PATTERN.match(combined) else "local_identifier"
            if not getattr(row.data, name):
                setattr(row.data, name, combined)
                row.present.add(name)
        if row.data.local_identifier == TEMPLATE_EXAMPLE_ID:
            row.problems.append(self.problem(row, "local_identifier", "This is the template's example row: delete "
                                                                      "it before importing."))
