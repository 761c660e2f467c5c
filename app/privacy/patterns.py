"""Number and address shapes: NHS numbers, UK phone numbers, UK postcodes and email addresses.

Each finder returns the character spans it matched so the guard can stop one finding from being
reported twice (an email hides the postcode-like text inside it; an NHS number wins over a phone).
Spans stay inside this package: nothing here ever puts a matched value into a message.
"""

from __future__ import annotations

import re

import nhs_number

Span = tuple[int, int]

EMAIL = re.compile(
    r"(?<![\w.+-])[A-Za-z0-9](?:[A-Za-z0-9._%+'-]{0,63})@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![\w-])"
)

# The official postcode shape (BS 7666): outward code A9, A99, AA9, AA99, A9A or AA9A with the letters
# allowed in each position, then the inward code 9AA (never C, I, K, M, O or V). GIR 0AA is the one
# exception. The space is optional and case is ignored.
POSTCODE = re.compile(
    r"(?<![A-Za-z0-9])"
    r"(?:GIR[ \t\u00a0]{0,2}0AA"
    r"|(?:[A-PR-UWYZ][0-9]{1,2}|[A-PR-UWYZ][A-HK-Y][0-9]{1,2}|[A-PR-UWYZ][0-9][A-HJKPSTUW]"
    r"|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY])"
    r"[ \t\u00a0]{0,2}(?P<inward>[0-9][ABD-HJLNP-UW-Z]{2}))"
    r"(?![A-Za-z0-9])",
    re.IGNORECASE,
)
_ORDINAL = {"1": "st", "2": "nd", "3": "rd"}

# Runs of digit groups joined by spaces, dashes, dots or brackets, e.g. "943 476 5919",
# "(0161) 496-0000", "+44 (0)20 7946 0958". Each group keeps its position.
# Only runs holding at least ten digits are of interest (the lookahead skips years, ages and counts).
_DIGIT_RUN = re.compile(
    r"(?<![\d.,])(?=[+(]?(?:[ \t\u00a0\-.()]{0,3}\d){10})\+?\(?\d+(?:[ \t\u00a0\-.()]{1,3}\d+)*(?!\d|[.,]\d)"
)
_GROUP = re.compile(r"\d+")
_NHS_SEPARATORS = frozenset(" \t\u00a0-.")
_PHONE_PREFIXES = ("01", "02", "03", "07", "08")


def find_emails(text: str) -> list[Span]:
    """Spans of email addresses."""
    return [match.span() for match in EMAIL.finditer(text)]


def find_postcodes(text: str) -> list[Span]:
    """Spans of full UK postcodes; a lower-case ordinal after a road number ("M1 1st") is not one."""
    spans = []
    for match in POSTCODE.finditer(text):
        inward = match.group("inward")
        if inward and inward[1:].islower() and inward[1:] == _ORDINAL.get(inward[0], "th"):
            continue
        spans.append(match.span())
    return spans


def _groups(run: re.Match[str]) -> list[re.Match[str]]:
    return list(_GROUP.finditer(run.string, run.start(), run.end()))


def _only_nhs_separators(text: str, first: re.Match[str], last: re.Match[str]) -> bool:
    """True when the groups from first to last are joined only by spaces, dashes or dots."""
    between = text[first.start() : last.end()]
    return all(ch.isdigit() or ch in _NHS_SEPARATORS for ch in between)


def has_valid_check_digit(digits: str) -> bool:
    """Whether ten digits end in a valid modulus-11 check digit, whatever their range: NHS numbers (England,
    Wales, Isle of Man), Scottish CHI numbers and Northern Irish H&C numbers all use it (the nhs-number library's
    checksum; its is_valid also asks that a CHI-range number start with a real date, which lets numbers through)."""
    return len(digits) == 10 and digits.isdigit() and nhs_number.calculate_checksum(digits[:9]) == int(digits[9])


def find_nhs_numbers(text: str) -> list[Span]:
    """Spans of 10-digit numbers, however spaced or dashed, whose modulus-11 check digit is valid (NHS, CHI or H&C
    numbers)."""
    spans: list[Span] = []
    for run in _DIGIT_RUN.finditer(text):
        if run.group().startswith("+"):
            continue  # "+44 7700 900123": the digits after a country code are a phone number
        groups = _groups(run)
        for i, first in enumerate(groups):
            digits = ""
            for last in groups[i : i + 10]:
                digits += last.group()
                if len(digits) >= 10:
                    break
            if (
                len(digits) == 10
                and _only_nhs_separators(text, first, last)
                and not (spans and first.start() < spans[-1][1])
                and has_valid_check_digit(digits)
            ):
                spans.append((first.start(), last.end()))
    return spans


def _national_parts(run_text: str, parts: list[tuple[str, int]]) -> list[tuple[str, int]] | None:
    """For "+44 ..." / "0044 ..." runs, the groups rewritten as a national number ("0" + the rest)."""
    first, first_end = parts[0]
    if run_text.startswith("+") and first.startswith("44"):
        rest = first[2:]
    elif first.startswith("0044"):
        rest = first[4:]
    else:
        return None
    tail = parts[1:]
    if not rest and tail and tail[0][0] == "0":
        tail = tail[1:]  # the "(0)" in "+44 (0)20 ..."
    return [("0" + rest, first_end), *tail]


def _take_phone(parts: list[tuple[str, int]]) -> tuple[int, int] | None:
    """(groups used, end offset) when the leading groups make a 10-11 digit UK number, else None."""
    digits, end, used = "", 0, 0
    for group, group_end in parts:
        if len(digits) + len(group) > 11:
            break
        digits, end, used = digits + group, group_end, used + 1
    if 10 <= len(digits) <= 11 and digits.startswith(_PHONE_PREFIXES):
        return used, end
    return None


def find_phone_numbers(text: str) -> list[Span]:
    """Spans of UK phone numbers: 01/02/03/07/08 numbers of 10-11 digits, national or +44 form."""
    spans: list[Span] = []
    for run in _DIGIT_RUN.finditer(text):
        groups = _groups(run)
        parts = [(group.group(), group.end()) for group in groups]
        national = _national_parts(run.group(), parts)
        if national is not None:
            taken = _take_phone(national)
            if taken:
                spans.append((run.start(), taken[1]))
            continue
        index = 0
        while index < len(groups):
            group = groups[index].group()
            # A national number starts with its area or mobile code: at least three digits ("020", "0161").
            taken = _take_phone(parts[index : index + 11]) if group.startswith("0") and len(group) >= 3 else None
            if taken:
                spans.append((groups[index].start(), taken[1]))
                index += taken[0]
            else:
                index += 1
    return spans
