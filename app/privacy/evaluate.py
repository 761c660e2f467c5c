"""Precision and recall of the guard per kind on the labelled examples (tests/privacy/labelled_examples.csv).

``python -m app.privacy.evaluate [CSV] [--show-text] [--probe-names]`` prints the tables pasted into
docs/PII_GUARD.md. The name probe drops randomly drawn forenames into fixed templates: a check on names
nobody picked by hand.
"""

from __future__ import annotations

import csv
import random
import string
import sys
from dataclasses import dataclass, field
from pathlib import Path

from app.privacy.guard import KINDS, scan_text
from app.privacy.lexicon import REPO_ROOT, lexicon

LABELLED_EXAMPLES = REPO_ROOT / "tests" / "privacy" / "labelled_examples.csv"
OVERALL = "overall"


@dataclass
class Score:
    """True positives, false positives and false negatives for one kind (or all kinds together)."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    support: int = 0  # examples expected to contain this kind

    @property
    def precision(self) -> float:
        """TP / (TP + FP); 1.0 when nothing was reported."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        """TP / (TP + FN); 1.0 when nothing was expected."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


@dataclass
class Evaluation:
    """Scores per kind and overall, plus the examples the guard got wrong."""

    examples: int = 0
    scores: dict[str, Score] = field(default_factory=lambda: {kind: Score() for kind in [*KINDS, OVERALL]})
    mistakes: list[tuple[int, str, str, set[str], set[str]]] = field(default_factory=list)


def load_examples(path: Path = LABELLED_EXAMPLES) -> list[dict[str, str]]:
    """The labelled examples as dicts with text, field_kind, expected_kinds and note."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def evaluate(path: Path = LABELLED_EXAMPLES) -> Evaluation:
    """Run the guard over every labelled example and count hits and misses per kind."""
    result = Evaluation()
    for row in load_examples(path):
        unknown = {kind for kind in row["expected_kinds"].split(";") if kind} - KINDS.keys()
        if row["field_kind"] not in {"identifier", "free_text"} or unknown:
            raise ValueError(f"bad labelled example row {result.examples + 2}")
        expected = {kind for kind in row["expected_kinds"].split(";") if kind}
        found = {finding.kind for finding in scan_text(row["text"], identifier=row["field_kind"] == "identifier")}
        result.examples += 1
        for kind in KINDS:
            for name in (kind, OVERALL):
                score = result.scores[name]
                score.tp += kind in expected and kind in found
                score.fp += kind in found and kind not in expected
                score.fn += kind in expected and kind not in found
                score.support += kind in expected
        if expected != found:
            result.mistakes.append((result.examples + 1, row["field_kind"], row["text"], expected, found))
    return result


def table(result: Evaluation) -> str:
    """A Markdown table of precision and recall per kind and overall (micro-averaged)."""
    lines = [
        f"Labelled examples: {result.examples}",
        "",
        "| kind | expected | TP | FP | FN | precision | recall |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, score in result.scores.items():
        lines.append(
            f"| {name} | {score.support} | {score.tp} | {score.fp} | {score.fn} "
            f"| {score.precision:.3f} | {score.recall:.3f} |"
        )
    return "\n".join(lines)


# Templates for the name probe: (template, identifier field?). {N} = Forename, {n} = forename, {I}/{i} = initial.
PROBE_TEMPLATES = (
    ("{N} was seen by the GP.", False),
    ("The social worker spoke to {N} about school.", False),
    ("{N}'s mother attended the meeting.", False),
    ("{N}{I}", True),
    ("{n}.{i}", True),
    ("{N}-{I}", True),
    ("SAR-{N}-2021", True),
)


def probe_names(*, size: int = 1000, seed: int = 20240601) -> dict[str, float]:
    """Share of randomly drawn forenames (from the whole cut-off list) found in each probe template."""
    # A reproducible sample for a measurement, not a secret.
    rng = random.Random(seed)  # nosec B311
    sample = rng.sample(sorted(lexicon().forenames), size)
    rates = {}
    for template, identifier in PROBE_TEMPLATES:
        found = 0
        for name in sample:
            initial = rng.choice(string.ascii_uppercase)
            text = template.format(N=name.capitalize(), n=name, I=initial, i=initial.lower())
            found += any(finding.kind == "name" for finding in scan_text(text, identifier=identifier))
        rates[template] = found / size
    return rates


def main(argv: list[str]) -> int:
    """Print the table, then which rows disagree with their labels (their text only with --show-text)."""
    show_text = "--show-text" in argv
    paths = [arg for arg in argv if not arg.startswith("--")]
    result = evaluate(Path(paths[0]) if paths else LABELLED_EXAMPLES)
    print(table(result))
    if result.mistakes:
        # Texts are only printed on request, so the script is safe to point at a file of real records.
        print("\nMismatches (CSV line, field kind, expected, found" + (", text):" if show_text else "):"))
        for line, field_kind, text, expected, found in result.mistakes:
            shown = f": {text}" if show_text else ""
            print(f"- line {line}, {field_kind}: expected {sorted(expected)}, found {sorted(found)}{shown}")
    if "--probe-names" in argv:
        print("\nName probe (1,000 random forenames from the list; share found):\n")
        print("| template | field | found |\n|---|---|---:|")
        for (template, identifier), rate in zip(PROBE_TEMPLATES, probe_names().values(), strict=True):
            print(f"| `{template}` | {'identifier' if identifier else 'free text'} | {rate:.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
