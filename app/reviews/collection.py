"""Which reviews the collection records, and which dates are plausible at all (every save path checks this).

The S-CRT collection records "cases from 1 April 2021 onward, plus older cases still open". So a review added
before 1 April 2021 is recorded only if it was still open on that day: it may not have closed before it. No review
of the tracked types could be commissioned before 13 April 2011, the day domestic homicide reviews came into force
(s9 Domestic Violence, Crime and Victims Act 2004; safeguarding adult reviews followed on 1 April 2015 and child
safeguarding practice reviews in 2018), so an earlier date added is a typing error or a placeholder such as Excel's
1/1/1900. Every other date of a review (incident, notification, sign-off, publication, embargo review) is refused
before 1 January 2000 for the same reason.
"""

from __future__ import annotations

from datetime import date

from app.reviews.fields import label
from app.reviews.rules import ReviewInput, Violation

COLLECTION_START = date(2021, 4, 1)
EARLIEST_DATE_ADDED = date(2011, 4, 13)
EARLIEST_OTHER_DATE = date(2000, 1, 1)
OTHER_DATES = ("incident_date", "notification_date", "signed_off_date", "publication_date", "embargo_review_date")


def uk_date(value: date) -> str:
    """3 December 2026."""
    return f"{value.day} {value:%B %Y}"


def window_violations(data: ReviewInput, *, closes_on: date | None) -> list[Violation]:
    """Dates the collection cannot hold: implausibly early ones, and a review that closed before the collection
    began (`closes_on`: the day the review closed or closes with this save, None while open)."""
    out: list[Violation] = []
    added = data.date_added
    if added is not None and added < EARLIEST_DATE_ADDED:
        out.append(Violation("date_added", f"Date added cannot be before {uk_date(EARLIEST_DATE_ADDED)}, when the "
                                           "first of these review types came into force: check the year (an empty "
                                           "spreadsheet date shows as 1900)."))
    elif added is not None and added < COLLECTION_START and closes_on is not None and closes_on < COLLECTION_START:
        out.append(Violation("date_added", f"The review closed before {uk_date(COLLECTION_START)}: the collection "
                                           f"records reviews from {uk_date(COLLECTION_START)}, and older ones only "
                                           "if they were still open then."))
    for name in OTHER_DATES:
        value = getattr(data, name)
        if value is not None and value < EARLIEST_OTHER_DATE:
            out.append(Violation(name, f"{label(name)} cannot be before {uk_date(EARLIEST_OTHER_DATE)}: check the "
                                       "year (an empty spreadsheet date shows as 1900)."))
    return out
