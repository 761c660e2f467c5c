"""Rebuild ``data/forename_words_extra.csv``: forenames above the cut-off that are also English words.

``data/lists/forenames_that_are_words.csv`` only checked the top 500 names of each sex (plus the historic
top-100 series). The guard uses many more names (every name given to at least ``MIN_COUNT`` babies in
1996-2020), so this script runs the same check on the rest, with the same word lists (Debian
``wbritish-small`` and ``wbritish``, SCOWL; only lower-case entries count).

Not used at run time. Usage::

    python -m app.privacy.build_word_list /usr/share/dict/british-english-small /usr/share/dict/british-english
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

from app.privacy.lexicon import LISTS_DIR, MIN_COUNT, MIN_NAME_LENGTH, PRIVACY_DATA_DIR

OUTPUT = PRIVACY_DATA_DIR / "forename_words_extra.csv"


def _lower_case_words(path: Path) -> set[str]:
    """The lower-case entries of a word list, one word a line."""
    with path.open(encoding="utf-8") as handle:
        return {line.strip() for line in handle if line.strip() and line.strip().islower()}


def build(small_path: Path, large_path: Path, output: Path = OUTPUT) -> int:
    """Write the extra forename-word list and return the number of rows written."""
    small, large = _lower_case_words(small_path), _lower_case_words(large_path)
    totals: dict[str, int] = {}
    with (LISTS_DIR / "forenames_ew.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            key = row["name"].lower()
            totals[key] = totals.get(key, 0) + int(row["count"])
    with (LISTS_DIR / "forenames_that_are_words.csv").open(encoding="utf-8", newline="") as handle:
        already = {row["name"].lower() for row in csv.DictReader(handle)}
    rows = [
        (name, name in small, name in large)
        for name, total in sorted(totals.items())
        if total >= MIN_COUNT
        and len(name) >= MIN_NAME_LENGTH
        and name.isalpha()
        and name not in already
        and (name in small or name in large)
    ]
    with output.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["name", "word_wbritish_small", "word_wbritish"])
        writer.writerows(rows)
    return len(rows)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: python -m app.privacy.build_word_list SMALL_WORD_LIST LARGE_WORD_LIST")
    count = build(Path(sys.argv[1]), Path(sys.argv[2]))
    print(f"wrote {count} rows to {OUTPUT}")
