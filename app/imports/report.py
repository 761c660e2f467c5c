"""What an import found and did: problems by cell, and the reviews created, updated, unchanged or remapped."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

OUTCOMES = ("create", "update", "unchanged")


@dataclass(frozen=True)
class CellProblem:
    """A problem with one cell (or one row when column is blank): never the cell's content, only its kind."""

    row: int
    column: str
    kind: str
    message: str


@dataclass(frozen=True)
class RowOutcome:
    """What a row does (or would do) to the tracker."""

    row: int
    action: str  # create, update, unchanged
    identifier: str
    review_id: int | None = None
    changes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Remapped:
    """A row whose organisation was found by an old code or a name, and today's sub-ICB location it maps to."""

    row: int
    column: str
    how: str
    found_as: str
    code: str
    name: str


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
    remapped: list[Remapped] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def count(self, action: str) -> int:
        """How many rows create, update or leave unchanged a review."""
        return sum(1 for o in self.outcomes if o.action == action)

    @property
    def counts(self) -> dict[str, int]:
        """Rows, problems and outcomes by kind."""
        return {"rows": self.rows_read, "problems": len(self.problems), "rows_with_problems": len(self.problem_rows),
                **{action: self.count(action) for action in OUTCOMES}, "remapped": len(self.remapped)}

    @property
    def problem_rows(self) -> set[int]:
        """Row numbers with at least one problem."""
        return {p.row for p in self.problems if p.row}

    @property
    def clean(self) -> bool:
        """Whether the file can be committed: readable and without a single problem."""
        return self.refused is None and not self.problems

    def summary(self) -> str:
        """One line for the audit trail, the command line and messages (no cell content)."""
        if self.refused:
            return f"file refused: {self.refused}"
        done = self.committed
        changes = (f"{'created' if done else 'would create'} {self.count('create')}, "
                   f"{'updated' if done else 'would update'} {self.count('update')}, "
                   f"{'unchanged' if done else 'would leave unchanged'} {self.count('unchanged')}")
        return (f"{self.rows_read} rows; {changes}; {len(self.remapped)} remapped; {len(self.problems)} "
                f"problem{'s' if len(self.problems) != 1 else ''} in {len(self.problem_rows)} "
                f"row{'s' if len(self.problem_rows) != 1 else ''}")

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe form (stored next to an upload)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ImportReport:
        """Rebuild a stored report."""
        values = dict(data)
        values["columns"] = [tuple(c) for c in values.get("columns", [])]
        values["problems"] = [CellProblem(**p) for p in values.get("problems", [])]
        values["outcomes"] = [RowOutcome(**{**o, "changes": tuple(o.get("changes", ()))})
                              for o in values.get("outcomes", [])]
        values["remapped"] = [Remapped(**r) for r in values.get("remapped", [])]
        return cls(**values)
