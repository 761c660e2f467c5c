"""Cell values as people type them: UK dates (never month-first), yes/no, review types, decisions, publication.

Each parser returns a typed value (None for a blank cell) or raises CellError with a message that describes
what was expected, never the cell's content (a cell could hold patient identifiable data).
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Any

from openpyxl.utils.datetime import from_excel

from app.imports.readers import EXCEL_1900
from app.reviews.types import PublicationStatus, RapidOutcome, ReviewStatus, ReviewType, type_names

NEUTRALISED = ("'=", "'+", "'-", "'@", "'\t", "'\r")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
MONTHS = {name: n for n, names in enumerate(
    [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june"),
     ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
     ("dec", "december")], start=1) for name in names}
WEEKDAY = re.compile(r"^(mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*[,.]?\s+")
TIME_SUFFIX = re.compile(r"[ t]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?( ?[ap]m)?$")
NUMERIC_DMY = re.compile(r"^(\d{1,2})\s*[/.\-\s]\s*(\d{1,2})\s*[/.\-\s]\s*(\d{4}|\d{2})$")
ISO_YMD = re.compile(r"^(\d{4})[/.\-](\d{1,2})[/.\-](\d{1,2})$")
NAMED_DMY = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?(?:\s+of)?[\s\-/.]*([a-z]+)\.?,?[\s\-/.]*(\d{4}|\d{2})$")
NAMED_MDY = re.compile(r"^([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$")
SERIAL = re.compile(r"^\d{4,5}(\.0+)?$")
FIRST_YEAR, LAST_YEAR = 1900, 2100
SERIAL_YEARS = (1950, 2100)

DATE_HELP = "a date such as 03/11/2021, 3 Nov 2021 or 2021-11-03 (day first)"


class CellError(ValueError):
    """A cell's value cannot be read as the column's kind of value; the message never repeats the value."""


def value_kind(value: Any) -> str:
    """What a cell holds, in words safe to show: blank, date, number, yes/no, or text."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return "blank"
    if isinstance(value, bool):
        return "yes/no"
    if isinstance(value, datetime | date):
        return "date"
    if isinstance(value, time):
        return "time"
    if isinstance(value, int | float):
        return "number"
    text = str(value).strip()
    if text.startswith("="):
        return "formula"
    if re.fullmatch(r"[\d\s/.\-:]+", text):
        return "number or date text"
    return "text"


def clean_text(value: Any) -> str | None:
    """Text of a cell: trimmed (non-breaking spaces too), control characters dropped, an export's apostrophe removed."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime | date):
        value = value.date().isoformat() if isinstance(value, datetime) else value.isoformat()
    text = str(value).replace("\xa0", " ").lstrip(" ")
    if text.startswith(NEUTRALISED):
        text = text[1:]
    text = CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n")).strip()
    return text or None


def fold(value: Any) -> str:
    """Text folded for matching names: lower case, '&' as 'and', punctuation and spacing as single spaces."""
    text = str(value or "").casefold().replace("&", " and ").replace("\u2019", "'").replace("'", "")
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text).split())


def _year(text: str) -> int:
    year = int(text)
    return 2000 + year if len(text) == 2 else year


def _make(year: int, month: int, day: int) -> date:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise CellError(f"The year is outside {FIRST_YEAR}-{LAST_YEAR}: expected {DATE_HELP}.")
    try:
        return date(year, month, day)
    except ValueError:
        raise CellError(f"Not a real calendar date (dates are read day first, dd/mm/yyyy): expected {DATE_HELP}.") \
            from None


def _serial(number: float, epoch: datetime) -> date:
    try:
        value = from_excel(number, epoch=epoch)
    except (ValueError, OverflowError, TypeError):
        value = None
    if not isinstance(value, datetime) or not SERIAL_YEARS[0] <= value.year <= SERIAL_YEARS[1]:
        raise CellError(f"A number that is not a date: expected {DATE_HELP}.")
    return value.date()


def parse_date(value: Any, *, epoch: datetime = EXCEL_1900) -> date | None:
    """A date from a date cell, an Excel serial number or UK text (03/11/2021 is 3 November, never 11 March)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise CellError(f"A yes/no value, not a date: expected {DATE_HELP}.")
    if isinstance(value, int | float):
        return _serial(value, epoch)
    text = clean_text(value)
    if text is None:
        return None
    text = WEEKDAY.sub("", text.casefold())
    text = TIME_SUFFIX.sub("", text).strip()
    if match := ISO_YMD.match(text):
        return _make(int(match[1]), int(match[2]), int(match[3]))
    if match := NUMERIC_DMY.match(text):
        return _make(_year(match[3]), int(match[2]), int(match[1]))
    if (match := NAMED_DMY.match(text)) and match[2] in MONTHS:
        return _make(_year(match[3]), MONTHS[match[2]], int(match[1]))
    if (match := NAMED_MDY.match(text)) and match[1] in MONTHS:
        return _make(int(match[3]), MONTHS[match[1]], int(match[2]))
    if SERIAL.match(text):
        return _serial(float(text), epoch)
    raise CellError(f"Not a date: expected {DATE_HELP}.")


YES = {"y", "yes", "true", "1", "x", "t"}
NO = {"n", "no", "false", "0", "f", "none"}


def parse_bool(value: Any) -> bool | None:
    """Yes/no from Y/N, Yes/No, True/False, 1/0 or a checkbox cell (None when blank)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    text = clean_text(value)
    if text is None:
        return None
    folded = fold(text)
    if folded in YES:
        return True
    if folded in NO:
        return False
    raise CellError("Not a yes/no value: expected Yes or No (Y/N, True/False and 1/0 are read too).")


def _type_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for rtype in ReviewType:
        for text in type_names(rtype):
            names[fold(text)] = rtype.value
    extra = {
        "SAR": ["safeguarding adult review", "safeguarding adults review", "mandatory sar", "sar mandatory",
                "statutory sar", "sar s44 1 3", "sar s44 1", "sar s44 2", "sar s44 3"],
        "SAR_DISCRETIONARY": ["discretionary sar", "sar discretionary", "sar s44 4", "non statutory sar",
                              "discretionary safeguarding adult review"],
        "DHR": ["domestic homicide review", "domestic abuse related death review", "dardr", "domestic homicide"],
        "DHR_CHILD": ["dhr child", "child dhr", "dhr 16 17", "dhr child victim aged 16 17", "dhr 16 17 year old"],
        "CSPR": ["child safeguarding practice review", "local child safeguarding practice review", "lcspr",
                 "local cspr"],
        "RAPID": ["rr", "rapid review", "rapid", "rapid reviews"],
        "OTHER": ["other", "other review"],
    }
    for rtype, texts in extra.items():
        value = ReviewType.SAR_MANDATORY.value if rtype == "SAR" else ReviewType[rtype].value
        for text in texts:
            names.setdefault(fold(text), value)
    return names


TYPE_NAMES = _type_names()
CONVERTED = {"converted", "converted rapid review", "rapid review converted", "rr converted"}


def parse_review_type(value: Any) -> tuple[str | None, bool]:
    """The review type code, and whether the cell said 'Converted' (the collection's word for a converted RR)."""
    text = clean_text(value)
    if text is None:
        return None, False
    folded = fold(text)
    if folded in CONVERTED:
        return ReviewType.RAPID.value, True
    if folded in TYPE_NAMES:
        return TYPE_NAMES[folded], False
    raise CellError("Not a type of review: expected SAR, SAR (discretionary), DHR, DHR (child), CSPR, Rapid Review, "
                    "Other or Converted (full names are read too).")


def _outcome_names() -> dict[str, RapidOutcome]:
    names = {fold(o.value): o for o in RapidOutcome}
    names.update({fold(o.label): o for o in RapidOutcome})
    for text in ("no further review", "no further action", "nfa", "no review", "none", "no"):
        names[fold(text)] = RapidOutcome.NO_FURTHER_REVIEW
    by_type = {ReviewType.CSPR: RapidOutcome.CSPR, ReviewType.SAR_MANDATORY: RapidOutcome.SAR,
               ReviewType.SAR_DISCRETIONARY: RapidOutcome.SAR, ReviewType.DHR: RapidOutcome.DHR,
               ReviewType.DHR_CHILD: RapidOutcome.DHR}
    for folded, rtype in TYPE_NAMES.items():
        if ReviewType(rtype) in by_type:
            names.setdefault(folded, by_type[ReviewType(rtype)])
    for outcome in (RapidOutcome.CSPR, RapidOutcome.SAR, RapidOutcome.DHR):
        for text in (f"converted to {outcome.value}", f"{outcome.value} converted", f"convert to {outcome.value}"):
            names[fold(text)] = outcome
    return names


OUTCOME_NAMES = _outcome_names()


def parse_outcome(value: Any) -> RapidOutcome | None:
    """A rapid review's decision: CSPR, SAR, DHR or no further review (codes and full names)."""
    text = clean_text(value)
    if text is None:
        return None
    outcome = OUTCOME_NAMES.get(fold(text))
    if outcome is None:
        raise CellError("Not a rapid review decision: expected CSPR, SAR, DHR or No further review.")
    return outcome


def parse_publication_status(value: Any) -> str | None:
    """Public or embargoed."""
    text = clean_text(value)
    if text is None:
        return None
    folded = fold(text)
    if folded in {"public", "published", "publicly available", "p"}:
        return PublicationStatus.PUBLIC.value
    if folded in {"embargoed", "embargo", "under embargo", "e"}:
        return PublicationStatus.EMBARGOED.value
    raise CellError("Not a publication status: expected Public or Embargoed.")


def parse_status(value: Any) -> str | None:
    """The status a file claims (open, closed, converted); None when blank or not one of them."""
    folded = fold(clean_text(value) or "")
    return folded if folded in {s.value for s in ReviewStatus} else None


def parse_initials(value: Any) -> str | None:
    """Initials with dots and spaces dropped (J.K. or J K is JK); the rules check the rest."""
    text = clean_text(value)
    if text is None:
        return None
    return re.sub(r"[.\s]+", "", text).upper() or None
