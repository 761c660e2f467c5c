"""Precision and recall on the labelled examples, with floors set at what the guard achieves today."""

from __future__ import annotations

from app.privacy.evaluate import (
    LABELLED_EXAMPLES,
    OVERALL,
    PROBE_TEMPLATES,
    evaluate,
    load_examples,
    probe_names,
    table,
)
from app.privacy.guard import KINDS

# (precision, recall) floors. Measured on 446 examples: every kind at 1.000/1.000 except name
# (0.989 / 0.929) and overall (0.995 / 0.968); see docs/PII_GUARD.md. Raise them when the guard improves.
FLOORS = {
    "nhs_number": (1.0, 1.0),
    "date_of_birth": (1.0, 1.0),
    "postcode": (1.0, 1.0),
    "email": (1.0, 1.0),
    "phone": (1.0, 1.0),
    "name": (0.98, 0.92),
    OVERALL: (0.99, 0.96),
}


def test_the_labelled_set_is_big_enough_and_well_formed() -> None:
    rows = load_examples()
    assert len(rows) >= 200
    assert {row["field_kind"] for row in rows} == {"identifier", "free_text"}
    for row in rows:
        assert row["text"]
        assert {kind for kind in row["expected_kinds"].split(";") if kind} <= KINDS.keys()
    for kind in KINDS:
        assert sum(kind in row["expected_kinds"].split(";") for row in rows) >= 5, kind
    assert sum(not row["expected_kinds"] for row in rows) >= 150  # plenty of tricky negatives


def test_precision_and_recall_meet_the_floors() -> None:
    result = evaluate(LABELLED_EXAMPLES)
    report = table(result)
    for name, (precision_floor, recall_floor) in FLOORS.items():
        score = result.scores[name]
        assert score.precision >= precision_floor, f"{name} precision fell\n{report}"
        assert score.recall >= recall_floor, f"{name} recall fell\n{report}"


def test_the_table_lists_every_kind() -> None:
    report = table(evaluate(LABELLED_EXAMPLES))
    for name in [*KINDS, OVERALL]:
        assert f"| {name} |" in report


def test_randomly_drawn_forenames_are_found_in_the_probe_templates() -> None:
    rates = probe_names()
    # Measured: 0.972 where a dictionary-word forename opens the sentence ("Grace was seen"), 0.997-0.998 elsewhere.
    for (template, identifier), rate in zip(PROBE_TEMPLATES, rates.values(), strict=True):
        assert rate >= (0.99 if identifier else 0.97), template
