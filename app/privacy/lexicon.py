"""The word lists behind the name check, loaded once (lazily) from the shipped data files.

Forenames: ONS baby names for England and Wales 1996-2020 (``data/lists/forenames_ew.csv``, see
``data/lists/SOURCES.md`` section 1), every name of at least ``MIN_NAME_LENGTH`` letters given to at
least ``MIN_COUNT`` babies over those 25 years (both sexes added together).
Words: ``data/lists/forenames_that_are_words.csv`` (SOURCES section 3) plus
``app/privacy/data/forename_words_extra.csv`` (the same check for names below the top 500).
Places: every English local authority district, sub-ICB location, ICB and NHS region name in
``data/reference/`` (ONS / NHS ODS, OGL v3.0).
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from app.privacy.allowlist import LABELS_AND_FAITH_TERMS, MONTHS_AND_DAYS

REPO_ROOT = Path(__file__).resolve().parents[2]
LISTS_DIR = REPO_ROOT / "data" / "lists"
REFERENCE_DIR = REPO_ROOT / "data" / "reference"
PRIVACY_DATA_DIR = Path(__file__).resolve().parent / "data"

# About one baby a year on average over 1996-2020. Low enough to keep names now mostly given to older
# adults (Doris 153, Maureen 112, Edna 92, Gladys 81, Doreen 64, Muriel 8 is below it), high enough to
# leave out one-off registrations. 13,759 spellings pass the count; 12,469 of them are plain words of
# three or more letters (hyphenated names such as Jade-Marie are covered by their parts).
MIN_COUNT = 30
# Two-letter names (Jo, Ed, Al, Mo) collide with abbreviations (ED, AL, MoJ, DoH) far more often than
# they name someone; they are not checked.
MIN_NAME_LENGTH = 3

# A word: a run of letters, with an inner apostrophe kept ("O'Brien", "Mary's"). Digits, underscores,
# dots, dashes and slashes all split words, so "jon.s" is "jon" + "s" and "DHR-Olivia-2021" has "Olivia".
_WORD = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)?")
_POSSESSIVE = re.compile(r"['\u2019]s$", re.IGNORECASE)
_NAME_SUFFIXES = re.compile(r"\s+(?:CCG|ICB(?:\s+-\s+\w+)?|Integrated Care Board)\s*$")


def fold(token: str) -> str:
    """Lower-case a token and strip accents (Zoë -> zoe), the form every list is keyed by."""
    if token.isascii():
        return token.lower()
    decomposed = unicodedata.normalize("NFKD", token)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


@dataclass(frozen=True, slots=True)
class Token:
    """One word of a text: its letters as written (possessive 's dropped), folded key and position."""

    text: str
    key: str
    start: int
    end: int
    possessive: bool = False


def tokenize(text: str) -> list[Token]:
    """The words of a text, in order, as the name check sees them."""
    tokens = []
    for match in _WORD.finditer(text):
        raw = match.group()
        word = _POSSESSIVE.sub("", raw) if "'" in raw or "\u2019" in raw else raw
        tokens.append(Token(word, fold(word), match.start(), match.end(), len(word) < len(raw)))
    return tokens


def words_of(text: str) -> list[str]:
    """The folded words of a text, in order."""
    return [token.key for token in tokenize(text)]


@dataclass(frozen=True)
class Lexicon:
    """Everything the name check looks words up in; all entries folded to lower case."""

    forenames: frozenset[str]
    ordinary_words: frozenset[str]  # forenames that are common English words (wbritish-small)
    rare_words: frozenset[str]  # forenames that are only in the large word list (john, tom, max)
    places: frozenset[str]  # one-word place names (Barnet, Devon, Preston)
    place_phrases: dict[str, tuple[tuple[str, ...], ...]]  # first word -> longer place names
    org_codes: frozenset[str]  # ODS codes of ICBs, sub-ICB locations, CCGs and regions
    never_names: frozenset[str]  # months, days, anonymised labels: never a name on their own


def _read_rows(path: Path) -> Iterable[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


def _forenames() -> frozenset[str]:
    totals: dict[str, int] = {}
    for row in _read_rows(LISTS_DIR / "forenames_ew.csv"):
        key = fold(row["name"])
        totals[key] = totals.get(key, 0) + int(row["count"])
    return frozenset(
        name for name, total in totals.items() if total >= MIN_COUNT and len(name) >= MIN_NAME_LENGTH and name.isalpha()
    )


def _words() -> tuple[frozenset[str], frozenset[str]]:
    ordinary: set[str] = set()
    rare: set[str] = set()
    sources = (LISTS_DIR / "forenames_that_are_words.csv", PRIVACY_DATA_DIR / "forename_words_extra.csv")
    for row in (row for path in sources for row in _read_rows(path)):
        name = fold(row["name"])
        if row["word_wbritish_small"] == "True":
            ordinary.add(name)
        elif row["word_wbritish"] == "True":
            rare.add(name)
    return frozenset(ordinary), frozenset(rare - ordinary)


def _place_names() -> set[str]:
    """Place names in the reference data; list-like CCG/ICB names are split into their places."""
    names: set[str] = set()
    for path in sorted(REFERENCE_DIR.glob("*.csv")):
        for row in _read_rows(path):
            for column, value in row.items():
                if not value or not column or not column.endswith("name") or "source" in column:
                    continue
                if column == "lad_name":
                    names.add(value)
                    continue
                cleaned = _NAME_SUFFIXES.sub("", value.removeprefix("NHS ")).strip()
                names.add(cleaned)
                names.update(part.strip() for part in re.split(r",|\band\b", cleaned) if part.strip())
    return names


def _org_codes() -> frozenset[str]:
    codes: set[str] = set()
    for path in sorted(REFERENCE_DIR.glob("*.csv")):
        for row in _read_rows(path):
            codes.update(fold(value) for column, value in row.items() if column and column.endswith("code") and value)
    return frozenset(codes)


@cache
def lexicon() -> Lexicon:
    """The lexicon, built on first use and then shared (about 0.2 s, once per process)."""
    ordinary, rare = _words()
    places: set[str] = set()
    phrases: dict[str, set[tuple[str, ...]]] = {}
    for name in _place_names():
        tokens = tuple(words_of(name))
        if len(tokens) == 1:
            places.add(tokens[0])
        elif tokens:
            phrases.setdefault(tokens[0], set()).add(tokens)
    return Lexicon(
        forenames=_forenames(),
        ordinary_words=ordinary,
        rare_words=rare,
        places=frozenset(places),
        place_phrases={first: tuple(sorted(group, key=len, reverse=True)) for first, group in phrases.items()},
        org_codes=_org_codes(),
        never_names=MONTHS_AND_DAYS | LABELS_AND_FAITH_TERMS,
    )
