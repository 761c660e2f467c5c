"""How values read on screen: UK dates in England's time, labels instead of codes."""

from datetime import UTC, date, datetime

from app.admin.formatting import change_value, email_kind, role_label, uk_date, uk_datetime, yes_no


def test_dates_read_as_the_uk_writes_them_in_englands_time():
    assert uk_date(date(2026, 12, 3)) == "3 December 2026"
    assert uk_date("2027-06-30") == "30 June 2027"
    assert uk_datetime(datetime(2027, 6, 30, 23, 30, 15, 123456, tzinfo=UTC)) == "1 July 2027, 00:30"  # summer time
    assert uk_datetime(datetime(2030, 1, 2, 9, 5, 59)) == "2 January 2030, 09:05"  # SQLite's naive UTC
    assert uk_date(None) == "" and uk_datetime("") == ""


def test_codes_become_labels(app):
    with app.app_context():
        assert change_value("review_type", "SAR_MANDATORY").startswith("Safeguarding Adult Review (mandatory")
        assert change_value("themes", '["TH_SUICIDE"]') == "Suicide"
        assert change_value("media_interest", False) == "No" and yes_no(True) == "Yes"
        assert change_value("date_added", "2026-12-03") == "3 December 2026"
        assert change_value("overview", None) == "—"
    assert role_label("national_admin") == "National admin"
    assert email_kind("stale") == "Stale-review reminder"
    assert email_kind("stale_escalation") == "Stale-review escalation"
    assert email_kind("sign-off-overdue") == "Chaser: sign-off overdue"
    assert email_kind("some_new_kind") == "Some new kind"
