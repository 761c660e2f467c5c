"""Dates of birth: a date written next to a birth label ("DOB", "date of birth", "born on", "b.") or a full
date written right next to an age ("aged 34 (12/03/1987)").

A date on its own (an incident or meeting date) is not a date of birth, and neither is a date separated
from an age by words ("aged 78, died on 12 March 2021"). A date beside an age also has to be plausible as
a birth date: the year plus the age must not be in the future (a 34-year-old is not born in 2021). "Today" is
an argument (the caller's day in England), never the host's clock.
"""

from __future__ import annotations

import re
from datetime import date

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DAY = r"(?:0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?"
_YEAR4 = r"(?:19|20)\d{2}"

# Full dates (day, month and year), UK order; each alternative names its year group.
_FULL_DATE = re.compile(
    r"(?<![\w/.-])(?:"
    r"(?:0?[1-9]|[12]\d|3[01])(?P<sep>[/.-])(?:0?[1-9]|1[0-2])(?P=sep)(?P<y1>\d{4}|\d{2})"
    r"|(?P<y2>" + _YEAR4 + r")-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])"
    r"|" + _DAY + r"\s+(?:of\s+)?" + _MONTH + r",?\s+(?P<y3>" + _YEAR4 + r"|'\d{2})"
    r"|" + _MONTH + r"\s+" + _DAY + r",?\s+(?P<y4>" + _YEAR4 + r")"
    r")(?![\w/-]|\.\d)",
    re.IGNORECASE,
)
# Partial dates, accepted only straight after a birth label: "born in March 2019", "DOB 1990", "DOB 03041990".
_PARTIAL_DATE = re.compile(
    r"(?:"
    + _MONTH
    + r"\s+"
    + _YEAR4
    + r"|(?:0?[1-9]|1[0-2])/"
    + _YEAR4
    + r"|"
    + _YEAR4
    + r"|(?:0[1-9]|[12]\d|3[01])(?:0[1-9]|1[0-2])(?:19|20)\d{2})(?![\w/-]|\.\d)",
    re.IGNORECASE,
)

_BIRTH_LABEL = re.compile(
    r"(?<![A-Za-z])(?:d\.?\s?o\.?\s?b\b\.?|dates?\s+of\s+birth|birth\s*date|born|b\.(?=\s?\d))",
    re.IGNORECASE,
)
# What may sit between a label and its date: punctuation and a few linking words ("DOB: ", "born on the").
_LABEL_GAP = re.compile(
    r"[\s:=(\-\u2013,]*(?:(?:is|was|on|in|the|of|given|recorded|as)\b[\s:,]*){0,3}",
    re.IGNORECASE,
)
_AGE = re.compile(
    r"(?<![\w])(?:aged?:?\s*(?P<a1>\d{1,3})(?!\s*(?:months?|weeks?|days?))\b"
    r"|(?P<a2>\d{1,3})\s*-?\s*(?:years?|yrs?)[\s-]*old\b"
    r"|(?P<a3>\d{1,3})\s*(?:yo|y/o|y\.o\.)(?![\w])"
    r"|\((?P<a4>\d{1,3})\))",
    re.IGNORECASE,
)
# Only punctuation and spacing may separate a date from the age beside it.
_ADJACENT = re.compile(r"[\s,;:()\[\]\u2013-]{0,6}")
_ADJACENT_WINDOW = 30


def _year(match: re.Match[str], today: date) -> int | None:
    """The four-digit year of a full-date match (two-digit years read as 19xx/20xx around today)."""
    raw = match.group("y1") or match.group("y2") or match.group("y3") or match.group("y4")
    if not raw:
        return None
    raw = raw.lstrip("'")
    if len(raw) == 4:
        return int(raw)
    century = 2000 if int(raw) <= today.year % 100 else 1900
    return century + int(raw)


def _after_label(text: str, label_end: int) -> bool:
    """True when a full or partial date follows a birth label."""
    position = _LABEL_GAP.match(text, label_end).end()
    return bool(_FULL_DATE.match(text, position) or _PARTIAL_DATE.match(text, position))


def _age_beside(text: str, start: int, end: int, year: int | None, today: date) -> bool:
    """True when an age is written right before or right after the date at text[start:end]."""
    for age in _AGE.finditer(text, max(0, start - _ADJACENT_WINDOW), min(len(text), end + _ADJACENT_WINDOW)):
        if age.end() <= start:
            gap = text[age.end() : start]
        elif age.start() >= end:
            gap = text[end : age.start()]
        else:
            continue
        if not _ADJACENT.fullmatch(gap):
            continue
        years = int(next(value for value in age.groups() if value is not None))
        if year is None or year + years <= today.year + 1:
            return True
    return False


def has_date_of_birth(text: str, *, today: date) -> bool:
    """True when the text contains what looks like a date of birth (judged on `today`)."""
    for label in _BIRTH_LABEL.finditer(text):
        if _after_label(text, label.end()):
            return True
    return any(_age_beside(text, match.start(), match.end(), _year(match, today), today)
               for match in _FULL_DATE.finditer(text))
