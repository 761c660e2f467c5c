"""Values as people type them: UK dates (never month-first), yes/no, review types, decisions, cleaned text."""

from datetime import date, datetime

import pytest

from app.imports.headers import IGNORE, recognise
from app.imports.values import (
    DATE_HELP,
    CellError,
    clean_text,
    parse_bool,
    parse_date,
    parse_initials,
    parse_outcome,
    parse_publication_status,
    parse_review_type,
    value_kind,
)
from app.reviews.export import EXPORT_COLUMNS, EXPORT_HEADERS, neutralise
from app.reviews.types import TYPE_LABELS, TYPE_SHORT, RapidOutcome, ReviewType

NOV_3 = date(2021, 11, 3)


@pytest.mark.parametrize("text", [
    "03/11/2021", "3/11/2021", "3/11/21", "03-11-2021", "03.11.2021", "3 Nov 2021", "3 November 2021", "03-Nov-21",
    "3-nov-2021", "03 NOV 21", "3rd November 2021", "3 Nov. 2021", "Wednesday 3 November 2021", "Nov 3, 2021",
    "November 3 2021", "2021-11-03", "2021/11/03", "03/11/2021 00:00", "2021-11-03 00:00:00", "2021-11-03T00:00:00",
    " 03/11/2021 ", "44503", "44503.0",
])
def test_uk_dates_and_excel_serials(text):
    assert parse_date(text) == NOV_3


def test_never_month_first():
    assert parse_date("11/03/2021") == date(2021, 3, 11)
    assert parse_date("01/02/03") == date(2003, 2, 1)
    with pytest.raises(CellError, match="day first"):
        parse_date("11/23/2021")  # a US date is refused, never reinterpreted


def test_date_cells_serial_numbers_and_the_1904_epoch():
    assert parse_date(datetime(2021, 11, 3, 14, 30)) == NOV_3
    assert parse_date(NOV_3) == NOV_3
    assert parse_date(44503) == NOV_3
    assert parse_date(44503.75) == NOV_3
    assert parse_date(43041, epoch=datetime(1904, 1, 1)) == NOV_3


def test_two_digit_years_are_this_century():
    assert parse_date("3/11/99") == date(2099, 11, 3)  # the rules then refuse it as a future date


@pytest.mark.parametrize("value", ["31/02/2021", "soon", "2021", "3/13/2021", "00/11/2021", 12, True, "1/1/1850",
                                   "Nov 2021", "03/11"])
def test_bad_dates_say_what_was_expected_never_the_value(value):
    with pytest.raises(CellError) as exc:
        parse_date(value)
    assert DATE_HELP in str(exc.value)
    if isinstance(value, str):
        assert value not in str(exc.value).replace(DATE_HELP, "")


def test_blank_is_none():
    assert parse_date(None) is None and parse_date("  ") is None and parse_bool("") is None


@pytest.mark.parametrize(("value", "expected"), [
    ("Y", True), ("yes", True), ("TRUE", True), ("1", True), (1, True), (True, True), (" Yes ", True),
    ("N", False), ("No", False), ("false", False), ("0", False), (0, False), (False, False),
])
def test_yes_no(value, expected):
    assert parse_bool(value) is expected


def test_yes_no_refuses_anything_else():
    with pytest.raises(CellError, match="Yes or No"):
        parse_bool("maybe")


@pytest.mark.parametrize(("text", "expected"), [
    ("SAR", "SAR_MANDATORY"), ("sar", "SAR_MANDATORY"), ("Safeguarding Adults Review", "SAR_MANDATORY"),
    ("SAR (discretionary)", "SAR_DISCRETIONARY"), ("Discretionary SAR", "SAR_DISCRETIONARY"),
    ("DHR", "DHR"), ("Domestic Homicide Review", "DHR"), ("DARDR", "DHR"), ("DHR child", "DHR_CHILD"),
    ("DHR (child)", "DHR_CHILD"), ("CSPR", "CSPR"), ("LCSPR", "CSPR"), ("RR", "RAPID"), ("Rapid Review", "RAPID"),
    ("Other", "OTHER"), ("rapid_review", "RAPID"),
])
def test_review_types_by_name_label_or_abbreviation(text, expected):
    assert parse_review_type(text) == (expected, False)


def test_every_label_code_and_short_name_is_read():
    for rtype in ReviewType:
        for text in (rtype.value, TYPE_LABELS[rtype], TYPE_SHORT[rtype]):
            assert parse_review_type(text) == (rtype.value, False), text


def test_converted_is_a_rapid_review_that_converted():
    assert parse_review_type("Converted") == ("RAPID", True)
    with pytest.raises(CellError, match="Converted"):
        parse_review_type("Serious Case Review")


@pytest.mark.parametrize(("text", "expected"), [
    ("CSPR", RapidOutcome.CSPR), ("Child Safeguarding Practice Review", RapidOutcome.CSPR),
    ("converted to CSPR", RapidOutcome.CSPR), ("SAR", RapidOutcome.SAR), ("DHR", RapidOutcome.DHR),
    ("NFR", RapidOutcome.NO_FURTHER_REVIEW), ("No further review", RapidOutcome.NO_FURTHER_REVIEW),
    ("NFA", RapidOutcome.NO_FURTHER_REVIEW),
])
def test_rapid_review_decisions(text, expected):
    assert parse_outcome(text) == expected


def test_every_exported_decision_label_is_read():
    for outcome in RapidOutcome:
        assert parse_outcome(outcome.label) == outcome


def test_publication_status_and_initials():
    assert parse_publication_status("Public") == "public" and parse_publication_status("embargoed") == "embargoed"
    assert parse_initials(" j.k. ") == "JK" and parse_initials("A B") == "AB"


@pytest.mark.parametrize("original", ["=1+1", "+44 20", "-5 days", "@sum", "\tindent", "\rx", "plain"])
def test_an_exports_neutralising_apostrophe_is_removed(original):
    assert clean_text(neutralise(original)) == original.strip()


def test_text_is_trimmed_and_control_characters_dropped():
    assert clean_text("  Trailing spaces \xa0") == "Trailing spaces"
    assert clean_text("line one\r\nline two\x0b") == "line one\nline two"
    assert clean_text(12345.0) == "12345" and clean_text(None) is None and clean_text("  ") is None
    assert clean_text("'plain apostrophe") == "'plain apostrophe"  # only an export's neutraliser is removed


def test_value_kinds_never_show_the_value():
    assert [value_kind(v) for v in (None, " ", True, NOV_3, 4.5, "=A1", "03/11/2021", "Jon Smith")] == [
        "blank", "blank", "yes/no", "date", "number", "formula", "number or date text", "text"]


EXPECTED_EXPORT = [
    ("id", "Tracker number", "tracker_number"),
    ("status", "Status", "status"),
    ("review_type", "Type of review", "review_type"),
    ("type_other_description", "Other review type (description)", "type_other_description"),
    ("date_added", "Date added", "date_added"),
    ("organisation_code", "Sub-ICB location code", "organisation_code"),
    ("recorded_organisation_name", "Sub-ICB location (CCG) as recorded", "organisation_name"),
    ("recorded_icb_code", "ICB / ICS code as recorded", IGNORE),
    ("recorded_icb_name", "ICB / ICS as recorded", IGNORE),
    ("recorded_region_code", "Region code as recorded", IGNORE),
    ("recorded_region_name", "Region as recorded", IGNORE),
    ("dp_initials", "Designated professional's initials", "dp_initials"),
    ("partnership", "Safeguarding partnership / board / CSP", "partnership"),
    ("steis_number", "StEIS number", "steis_number"),
    ("lfpse_reference", "LFPSE reference", "lfpse_reference"),
    ("local_identifier", "Local identifier", "local_identifier"),
    ("incident_date", "Incident date", "incident_date"),
    ("incident_learned_date", "Date the partnership learned of the incident", "incident_learned_date"),
    ("notification_date", "Notification date", "notification_date"),
    ("decision_date", "Decision date", "decision_date"),
    ("rapid_outcome", "Rapid review decision", "rapid_outcome"),
    ("overview", "Brief overview", "overview"),
    ("theme_1", "Theme 1", "theme_1"),
    ("theme_2", "Theme 2", "theme_2"),
    ("theme_3", "Theme 3", "theme_3"),
    ("media_interest", "Media interest", "media_interest"),
    ("latest_update", "Latest update", "latest_update"),
    ("latest_update_on", "Latest update date", "latest_update_on"),
    ("signed_off_date", "Date report signed off", "signed_off_date"),
    ("qa_submitted_date", "Submitted to the Home Office Quality Assurance Panel", "qa_submitted_date"),
    ("qa_feedback_date", "Quality Assurance Panel feedback received", "qa_feedback_date"),
    ("qa_approved_date", "Approved by the Quality Assurance Panel", "qa_approved_date"),
    ("publication_date", "Publication date", "publication_date"),
    ("publication_status", "Public / embargoed", "publication_status"),
    ("embargo_review_date", "Embargo review date", "embargo_review_date"),
    ("report_url", "Web link to report", "report_url"),
    ("learning_1", "Organisational learning 1", "learning_1"),
    ("learning_2", "Organisational learning 2", "learning_2"),
    ("learning_3", "Organisational learning 3", "learning_3"),
    ("recommendations", "Lessons learned / recommendations", "recommendations"),
    ("converted_to_id", "Converted to", "converted_to"),
]


def test_export_columns_are_the_record_in_order_and_the_import_reads_each_header_back():
    assert [(key, header) for key, header, _ in EXPORT_COLUMNS] == [(key, header) for key, header, _ in
                                                                     EXPECTED_EXPORT]
    assert [header for _, header, _ in EXPECTED_EXPORT] == EXPORT_HEADERS
    assert {header: recognise(header) for _, header, _ in EXPORT_COLUMNS} == {
        header: target for _, header, target in EXPECTED_EXPORT}
