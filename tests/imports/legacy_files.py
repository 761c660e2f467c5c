"""Realistic, messy legacy tracker files (as former CCGs kept them), generated with what the import must report.

The Nottingham and Nottinghamshire tracker (ICB QT1: sub-ICB locations 52R and 02Q) was kept by the former
CCGs: old codes (04K Nottingham City, 04E Mansfield and Ashfield, 04H Newark and Sherwood), names instead of
codes, every date style people type, trailing spaces, blank rows, Windows-1252 characters, duplicated rows and
bad rows in the middle. `legacy_tracker()` builds the rows and the expected report together.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from openpyxl import Workbook

from app.imports.values import parse_date

TITLE = "Nottinghamshire CCGs - safeguarding case reviews tracker (legacy)"
HEADERS = ["CCG", "Type of Review", "Date added", "Incident date", "DP", "StEIS No.", "Local ref", "Theme 1",
           "Theme 2", "Brief Overview ", "Media interest (Y/N)", "Latest update", "Date of latest update",
           "Date signed off", "Date published", "Public/Embargoed", "Embargo review date", "Notification date",
           "Decision date", "Outcome"]
COLUMN = {h.strip(): i for i, h in enumerate(HEADERS)}

N52R = "NHS Nottingham and Nottinghamshire ICB - 52R"
N02Q = "NHS Nottingham and Nottinghamshire ICB - 02Q"
# How the CCG column was filled in, and what the import says about it: (how, found as, code, name) or None.
ORGS = [
    ("52R", None), ("52r ", None), ("04K", ("old CCG code", "04K NHS Nottingham City", "52R", N52R)),
    ("04E", ("old CCG code", "04E NHS Mansfield and Ashfield", "52R", N52R)),
    ("NHS Nottingham City", ("old CCG name", "NHS Nottingham City", "52R", N52R)),
    ("Bassetlaw", ("April 2021 CCG name", "NHS Bassetlaw CCG", "02Q", N02Q)), ("02Q", None),
    ("Rushcliffe", ("old CCG name", "NHS Rushcliffe", "52R", N52R)),
    ("04H", ("old CCG code", "04H NHS Newark and Sherwood", "52R", N52R)),
]
TYPES = ["SAR", "Safeguarding Adult Review", "sar ", "SAR (discretionary)", "DHR", "Domestic Homicide Review",
         "DHR child", "CSPR", "LCSPR", "RR"]
THEMES = {"adult": ["Neglect and acts of omission", "ca_self_neglect", "Financial or material abuse", "Self-neglect"],
          "domestic": ["Domestic abuse", "DA_COERCIVE_CONTROL"],
          "child": ["Neglect", "WT_EMOTIONAL", "Physical abuse", "wt_neglect"]}
OVERVIEWS = [
    "An adult with care and support needs died; agencies held information that was not shared.",
    "The family\u2019s £2,000 rent arrears were known to two agencies before the incident.",
    "Concerns were raised by several agencies over two years; escalation policies were not used.",
    "Serious harm to an infant; the review considers health visiting, GP and hospital communication.",
    "A young person known to children\u2019s social care came to serious harm.",
]
UPDATES = ["Terms of reference agreed by the partnership.", "Chronology requested from agencies.",
           "Panel meeting held; practitioner event being arranged.", "First draft circulated for factual accuracy."]
STYLES = [
    lambda d: d.strftime("%d/%m/%Y"), lambda d: f"{d.day}/{d.month}/{d.year % 100:02d}",
    lambda d: d.strftime("%d %b %Y"),
    lambda d: d.strftime("%d-%b-%y"), lambda d: d.isoformat(), lambda d: d.strftime("%d.%m.%Y"),
    lambda d: f"{d.day} {d.strftime('%B')} {d.year}",
]
INITIALS = ["ab", "C.D.", " EF ", "GH", "jk"]
MEDIA = ["Y", "N", "yes", "no", "", "TRUE"]


def write_date(value: date | None, style: int) -> str:
    """A date the way one of the former CCGs typed it (always day first)."""
    return "" if value is None else STYLES[style % len(STYLES)](value)


@dataclass
class Expected:
    """What the import must report for the file."""

    rows_read: int = 0
    blank_rows: int = 0
    creates: int = 0
    problems: list[tuple[int, str, str, str]] = field(default_factory=list)
    remapped: list[tuple[int, str, str, str, str, str]] = field(default_factory=list)
    decided: dict[str, str] = field(default_factory=dict)  # local ref -> status after the decision


def review_row(i: int, *, version: int = 1) -> list[str]:
    """The i-th review of the tracker as a row of text cells (version 2 has later edits)."""
    org = ORGS[i % len(ORGS)][0]
    kind = TYPES[i % len(TYPES)]
    added = date(2021, 4, 1) + timedelta(days=5 * i)
    audience = "adult" if "SAR" in kind.upper() or "Adult" in kind else (
        "domestic" if "DHR" in kind or "Domestic" in kind else "child")
    rapid = kind == "RR"
    row = [""] * len(HEADERS)
    row[COLUMN["CCG"]] = org
    row[COLUMN["Type of Review"]] = kind
    row[COLUMN["Date added"]] = write_date(added, i)
    row[COLUMN["Incident date"]] = "" if rapid else write_date(added - timedelta(days=20), i + 3)
    row[COLUMN["DP"]] = INITIALS[i % len(INITIALS)]
    if i % 3 == 0:
        row[COLUMN["StEIS No."]] = f"{added.year}/{10000 + i:05d}"
    if i % 3 != 0 or i % 2 == 0:
        row[COLUMN["Local ref"]] = f"NOTTS-{i:04d}  "
    themes = THEMES[audience]
    row[COLUMN["Theme 1"]] = themes[i % len(themes)]
    if i % 4 == 1:
        row[COLUMN["Theme 2"]] = themes[(i + 1) % len(themes)]
    row[COLUMN["Brief Overview"]] = OVERVIEWS[i % len(OVERVIEWS)] + ("  " if i % 5 == 0 else "")
    row[COLUMN["Media interest (Y/N)"]] = MEDIA[i % len(MEDIA)]
    if i % 2 == 0:
        row[COLUMN["Latest update"]] = UPDATES[i % len(UPDATES)]
        row[COLUMN["Date of latest update"]] = write_date(added + timedelta(days=14), i + 1)
    if rapid:
        row[COLUMN["Notification date"]] = write_date(added, i + 2)
        if i % 20 == 9:
            row[COLUMN["Decision date"]] = write_date(added + timedelta(days=10), i)
            row[COLUMN["Outcome"]] = "CSPR"
        elif i % 20 == 19:
            row[COLUMN["Decision date"]] = write_date(added + timedelta(days=12), i)
            row[COLUMN["Outcome"]] = "No further review"
    elif added < date(2023, 1, 1) and i % 4 == 0:
        signed = added + timedelta(days=200)
        row[COLUMN["Date signed off"]] = write_date(signed, i + 4)
        if i % 8 == 4:
            row[COLUMN["Public/Embargoed"]] = "Embargoed"
            row[COLUMN["Embargo review date"]] = write_date(signed + timedelta(days=100), i)
        else:
            row[COLUMN["Date published"]] = write_date(signed + timedelta(days=30), i + 5)
            row[COLUMN["Public/Embargoed"]] = "Public"
    if version == 2 and i % 50 == 1:
        row[COLUMN["Brief Overview"]] = "Revised: " + OVERVIEWS[i % len(OVERVIEWS)]
    if version == 2 and i % 50 == 3:
        row[COLUMN["Latest update"]] = "Report signed off by the independent chair; publication being planned."
        row[COLUMN["Date of latest update"]] = "20/11/2026"
    return row


# Bad rows as first written (the middle of the file), with their problems, and as corrected.
BAD_ROWS = {
    "NOTTS-BAD-1": (
        {"CCG": "52R", "Type of Review": "Serious Case Review", "Date added": "31/02/2022",
         "Incident date": "3 Nov 2021",
         "DP": "Jonathan", "Local ref": "NOTTS-BAD-1", "Theme 1": "Bullying", "Brief Overview": OVERVIEWS[0],
         "Media interest (Y/N)": "maybe"},
        [("Type of Review", "text", "Not a type of review: expected SAR, SAR (discretionary), DHR, DHR (child), CSPR, "
                                    "Rapid Review, Other or Converted (full names are read too)."),
         ("Date added", "number or date text", "Not a real calendar date (dates are read day first, dd/mm/yyyy): "
                                               "expected a date such as 03/11/2021, 3 Nov 2021 or 2021-11-03 "
                                               "(day first)."),
         ("DP", "text", "Designated professional's initials must be 2 to 4 letters (initials only, never a name)."),
         ("Theme 1", "text", "Not on the managed theme list: expected a theme code (for example CA_NEGLECT) or its "
                             "label."),
         ("Media interest (Y/N)", "text", "Not a yes/no value: expected Yes or No (Y/N, True/False and 1/0 are read "
                                          "too).")],
        {"Type of Review": "SAR", "Date added": "28/02/2022", "DP": "JN", "Theme 1": "CA_NEGLECT",
         "Media interest (Y/N)": "N"},
    ),
    "NOTTS-BAD-2": (
        {"CCG": "04K", "Type of Review": "DHR", "Date added": "03/11/2021", "Incident date": "11/03/2022", "DP": "XY",
         "Local ref": "NOTTS-BAD-2", "Theme 1": "Domestic abuse", "Brief Overview": OVERVIEWS[2]},
        [("Date added", "number or date text", "Date added cannot be before the incident date.")],
        {"Incident date": "11/03/2021"},
    ),
    "NOTTS-BAD-3": (
        {"CCG": "02Q", "Type of Review": "CSPR", "Date added": "2023-05-02", "DP": "PQ", "Local ref": "NOTTS-BAD-3",
         "Theme 1": "Neglect", "Brief Overview": "The mother (DOB 12/03/1980) was known to services."},
        [("Brief Overview", "text", "Brief overview: contains a date of birth (patient identifiable data is not "
                                    "allowed here)")],
        {"Brief Overview": "The mother was known to adult mental health services."},
    ),
}
BAD_AFTER = {160: "NOTTS-BAD-1", 230: "NOTTS-BAD-2", 280: "NOTTS-BAD-3"}  # after which review they sit
DUPLICATE_AFTER = {100: 30, 250: 3}  # a copy of review 30 (local ref) and of review 3 (StEIS only) re-typed later


def _bad_row(name: str, *, fixed: bool) -> list[str]:
    cells, _, corrections = BAD_ROWS[name]
    values = {**cells, **(corrections if fixed else {})}
    row = [""] * len(HEADERS)
    for header, value in values.items():
        row[COLUMN[header]] = value
    return row


def legacy_tracker(count: int = 320, *, fixed: bool = False, version: int = 1,
                   extra: int = 0) -> tuple[list[list[str]], Expected]:
    """The tracker's rows (title and header first) and the report the import must give for it."""
    rows: list[list[str]] = [[TITLE], HEADERS]
    expected = Expected()
    data_rows = 0
    first_row: dict[int, int] = {}

    def add(row: list[str], problems=(), remap=None) -> int:
        nonlocal data_rows
        rows.append(row)
        number = len(rows)
        expected.rows_read += 1
        data_rows += 1
        expected.problems.extend((number, *p) for p in problems)
        if remap is not None:
            expected.remapped.append((number, "CCG", *remap))
        if data_rows % 40 == 0:
            rows.append([""] * 3 if data_rows % 80 else [])
            expected.blank_rows += 1
        return number

    for i in range(count + extra):
        row = review_row(i, version=version)
        first_row[i] = add(row, remap=ORGS[i % len(ORGS)][1])
        expected.creates += 1
        if row[COLUMN["Outcome"]]:
            expected.decided[row[COLUMN["Local ref"]].strip() or row[COLUMN["StEIS No."]]] = (
                "closed" if row[COLUMN["Outcome"]] == "No further review" else "converted")
        if i in DUPLICATE_AFTER and not fixed:
            source = DUPLICATE_AFTER[i]
            copy = [c.strip() + " " for c in review_row(source)]
            first = first_row[source]
            repeated = [(header, kind, name) for header, kind, name in (
                ("StEIS No.", "number or date text", "StEIS number"), ("Local ref", "text", "local identifier"))
                if copy[COLUMN[header]].strip()]
            add(copy, [(header, kind, f"Same {name} as row {first}: one review may appear only once in a file "
                                      "(delete or correct one of the rows).") for header, kind, name in repeated],
                remap=ORGS[source % len(ORGS)][1])
        if i in BAD_AFTER:
            name = BAD_AFTER[i]
            add(_bad_row(name, fixed=fixed), () if fixed else BAD_ROWS[name][1],
                remap=("old CCG code", "04K NHS Nottingham City", "52R", N52R) if name == "NOTTS-BAD-2" else None)
            expected.creates += 1 if fixed else 0
    return rows, expected


def to_csv(rows: list[list[str]], *, encoding: str = "cp1252") -> bytes:
    """The rows as a CSV file in an encoding ('utf-8-sig' writes the BOM Excel writes)."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def to_xlsx(rows: list[list[str]], *, sheet: str = "Tracker", formula_at: tuple[int, int] | None = None) -> bytes:
    """The rows as a workbook: every date cell of an odd row becomes a real date cell, of a row divisible by 4 an
    Excel serial number (as a pasted column shows); the rest stay text. A formula can be put in one cell."""

    workbook = Workbook()
    ws = workbook.active
    ws.title = sheet
    workbook.create_sheet("Notes").append(["Kept by the former CCGs until 2022."])
    date_columns = {i for h, i in COLUMN.items() if "date" in h.lower() or h in ("Date added", "Date signed off",
                                                                                  "Date published")}
    for number, row in enumerate(rows, start=1):
        cells: list[object] = list(row)
        for index in date_columns:
            if number > 2 and index < len(cells) and cells[index]:
                try:
                    value = parse_date(cells[index])
                except ValueError:
                    continue
                if number % 2:
                    cells[index] = datetime(value.year, value.month, value.day)
                elif number % 4 == 0:
                    cells[index] = (value - date(1899, 12, 30)).days
        ws.append(cells)
    if formula_at:
        ws.cell(row=formula_at[0], column=formula_at[1], value="=TODAY()")
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
