"""What an import found and did: problems by cell, the rows imported (and what they still lack), the rows refused
with what to do next, remapped organisations, and new partnerships a national admin may accept."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

OUTCOMES = ("create", "update", "unchanged")
# How much a problem weighs: a refused row is not imported; a row "to complete" is imported and listed on the
# worklist until the missing value is added; a note says how a value was read (imported as the note says).
REFUSED, TO_COMPLETE, NOTE = "refused", "to complete", "note"
SEVERITIES = (REFUSED, TO_COMPLETE, NOTE)


@dataclass(frozen=True)
class CellProblem:
    """A problem with one cell (or one row when column is blank): never the cell's content, only its kind."""

    row: int
    column: str
    kind: str
    message: str
    severity: str = REFUSED
    category: str = "value"  # what the problem is about (pii, scope, organisation, duplicate, formula, ...)


@dataclass(frozen=True)
class RowOutcome:
    """What a row does (or would do) to the tracker."""

    row: int
    action: str  # create, update, unchanged
    identifier: str
    review_id: int | None = None
    changes: tuple[str, ...] = ()
    to_complete: tuple[str, ...] = ()  # labels of the required fields the review still lacks


@dataclass(frozen=True)
class RefusedRow:
    """A row that is not imported, and what to do about it."""

    row: int
    next_step: str


@dataclass(frozen=True)
class Remapped:
    """A row whose organisation was found by an old code or a name, and today's sub-ICB location it maps to."""

    row: int
    column: str
    how: str
    found_as: str
    code: str
    name: str


@dataclass(frozen=True)
class PartnershipProposal:
    """A partnership the file names that is not on the managed list: a national admin can accept it as new."""

    key: str
    name: str
    kind: str | None
    kind_label: str
    icb_code: str | None
    local_authority: str | None
    rows: tuple[int, ...]
    nearest: str | None
    accepted: bool = False


@dataclass
class ImportReport:
    """The whole report of one dry run or commit (stored with an upload; rendered on screen and by the CLI)."""

    filename: str = ""
    sha256: str = ""
    dry_run: bool = True
    committed: bool = False
    refused: str | None = None
    format: str | None = None
    encoding: str | None = None
    sheet: str | None = None
    header_row: int | None = None
    rows_read: int = 0
    blank_rows: int = 0
    columns: list[tuple[str, str]] = field(default_factory=list)
    derived_columns: list[str] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)
    problems: list[CellProblem] = field(default_factory=list)
    outcomes: list[RowOutcome] = field(default_factory=list)
    refused_rows: list[RefusedRow] = field(default_factory=list)
    remapped: list[Remapped] = field(default_factory=list)
    new_partnerships: list[PartnershipProposal] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def count(self, action: str) -> int:
        """How many rows create, update or leave unchanged a review."""
        return sum(1 for o in self.outcomes if o.action == action)

    def of(self, severity: str) -> list[CellProblem]:
        """The problems of one severity (refused, to complete, note)."""
        return [p for p in self.problems if p.severity == severity]

    @property
    def incomplete(self) -> list[RowOutcome]:
        """The imported rows whose review still lacks a required field (they go on the To complete worklist)."""
        return [o for o in self.outcomes if o.to_complete]

    @property
    def counts(self) -> dict[str, int]:
        """Rows, problems and outcomes by kind."""
        return {"rows": self.rows_read, "problems": len(self.of(REFUSED)), "rows_with_problems": len(self.problem_rows),
                **{action: self.count(action) for action in OUTCOMES}, "remapped": len(self.remapped),
                "refused": len(self.refused_rows), "to_complete": len(self.incomplete),
                "new_partnerships": len(self.new_partnerships)}

    @property
    def problem_rows(self) -> set[int]:
        """Row numbers that are refused (a problem that refuses the row)."""
        return {p.row for p in self.problems if p.row and p.severity == REFUSED}

    @property
    def clean(self) -> bool:
        """Whether every row of the file can be imported: readable and without a refused row."""
        return self.refused is None and not self.problem_rows

    @property
    def importable(self) -> bool:
        """Whether a commit would change the tracker (a row to create or update, or a partnership to add)."""
        return self.refused is None and (self.count("create") + self.count("update") > 0 or any(
            p.accepted for p in self.new_partnerships))

    @property
    def nothing_to_import(self) -> bool:
        """A readable file without a single review row (only a header, say)."""
        return self.refused is None and self.rows_read == 0

    def summary(self) -> str:
        """One line for the audit trail, the command line and messages (no cell content)."""
        if self.refused:
            return f"file refused: {self.refused}"
        done = self.committed
        changes = (f"{'created' if done else 'would create'} {self.count('create')}, "
                   f"{'updated' if done else 'would update'} {self.count('update')}, "
                   f"{'unchanged' if done else 'would leave unchanged'} {self.count('unchanged')}")
        refused = len(self.refused_rows)
        return (f"{self.rows_read} rows; {changes}; {len(self.incomplete)} to complete; {len(self.remapped)} remapped; "
                f"{refused} row{'s' if refused != 1 else ''} refused ({len(self.of(REFUSED))} "
                f"problem{'s' if len(self.of(REFUSED)) != 1 else ''})")

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe form (stored next to an upload)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ImportReport:
        """Rebuild a stored report."""
        values = dict(data)
        values["columns"] = [tuple(c) for c in values.get("columns", [])]
        values["problems"] = [CellProblem(**p) for p in values.get("problems", [])]
        values["outcomes"] = [RowOutcome(**{**o, "changes": tuple(o.get("changes", ())),
                                            "to_complete": tuple(o.get("to_complete", ()))})
                              for o in values.get("outcomes", [])]
        values["refused_rows"] = [RefusedRow(**r) for r in values.get("refused_rows", [])]
        values["remapped"] = [Remapped(**r) for r in values.get("remapped", [])]
        values["new_partnerships"] = [PartnershipProposal(**{**p, "rows": tuple(p.get("rows", ()))})
                                      for p in values.get("new_partnerships", [])]
        return cls(**values)
