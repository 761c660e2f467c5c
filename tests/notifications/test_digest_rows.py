"""The digest's review rows: a type named as on the review's date added; overdue clocks as the reports count them."""

from __future__ import annotations

from datetime import date

import config.review_types as configured
from app.notifications.digest_rows import ROW_HEADER, review_row
from tests.support.reviews import make_review

TODAY = date(2026, 11, 25)


def cell(row: list, header: str):
    return row[ROW_HEADER.index(header)]


def test_a_row_names_the_type_as_it_was_called_when_the_review_was_added(session, settings, monkeypatch):
    monkeypatch.setitem(configured.TYPE_RENAMES[0], "takes_effect", date(2025, 1, 1))
    old = make_review(session, review_type="DHR", date_added=date(2024, 1, 10), incident_date=date(2024, 1, 2))
    new = make_review(session, review_type="DHR", date_added=date(2025, 6, 2), incident_date=date(2025, 5, 1))
    assert cell(review_row(old, today=TODAY, settings=settings), "Type of review") == "DHR"
    assert cell(review_row(new, today=TODAY, settings=settings), "Type of review") == "DARDR"


def test_a_late_panel_notification_is_not_an_overdue_clock(session, settings):
    # notified 9 working days late (a record check, shown red on the record) and not yet decided
    late = make_review(session, review_type="RAPID", date_added=date(2026, 11, 20), incident_date=date(2026, 11, 2),
                       notification_date=date(2026, 11, 20))
    row = review_row(late, today=date(2026, 11, 21), settings=settings)
    assert cell(row, "Worst clock state") == "red"
    assert cell(row, "Overdue clocks") == ""  # the rapid review is due 15 working days from notification: not yet
    overdue = review_row(late, today=date(2026, 12, 14), settings=settings)
    assert cell(overdue, "Overdue clocks") == "Rapid review due"
