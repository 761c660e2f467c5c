"""A messy legacy tracker, end to end: the exact dry-run report, all-or-nothing commit, re-import, newer version."""

from datetime import date

from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.reviews.models import Review, ReviewUpdate
from tests.imports.helpers import counts, problems, run
from tests.imports.legacy_files import legacy_tracker, to_csv, to_xlsx


def remapped(report):
    return [(m.row, m.column, m.how, m.found_as, m.code, m.name) for m in report.remapped]


def test_the_dry_run_reports_every_bad_cell_and_changes_nothing(session):
    rows, expected = legacy_tracker()
    before = counts(session)
    report = run(session, to_csv(rows, encoding="cp1252"), who="dp_notts", filename="notts-tracker.csv")
    assert (report.format, report.encoding) == ("csv", "Windows-1252")
    assert (report.header_row, report.rows_read, report.blank_rows) == (2, expected.rows_read, expected.blank_rows)
    assert (report.rows_read, report.blank_rows, len(expected.problems)) == (325, 8, 10)
    assert problems(report) == expected.problems
    assert remapped(report) == expected.remapped
    assert (report.count("create"), report.count("update"), report.count("unchanged")) == (expected.creates, 0, 0)
    assert all(o.review_id is None for o in report.outcomes)  # nothing exists yet
    assert report.notes == ["Row 1, above the header row 2, not imported (a title, not reviews)."]
    assert not report.clean and not report.committed
    assert counts(session) == before
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "review.import"))
    assert event.actor_email == "dp.notts@example.com"
    assert event.detail.startswith("dry run of a csv file (sha256 ") and "scope QT1" in event.detail
    assert "325 rows; would create 320" in event.detail and "5 rows refused (10 problems)" in event.detail
    assert [r.row for r in report.refused_rows] == sorted({p[0] for p in expected.problems})
    bad_1 = next(n for n, r in enumerate(rows, start=1) if len(r) > 6 and r[6] == "NOTTS-BAD-1")
    assert [(column, kind) for row, column, kind, _ in problems(report) if row == bad_1] == [
        ("Type of Review", "text"), ("Date added", "number or date text"), ("DP", "text"), ("Theme 1", "text"),
        ("Media interest (Y/N)", "text")]
    text = " ".join(p.message for p in report.problems) + event.detail
    for secret in ("Serious Case Review", "31/02/2022", "Jonathan", "Bullying", "maybe", "DOB 12/03/1980"):
        assert secret not in text  # messages name the column and the kind of value, never the value


def test_a_utf8_file_with_a_bom_gives_the_same_report(session):
    rows, expected = legacy_tracker(count=120)
    report = run(session, to_csv(rows, encoding="utf-8-sig"), who="dp_notts")
    assert (report.encoding, report.rows_read, report.count("create")) == ("UTF-8 with BOM", 121, 120)
    assert problems(report) == expected.problems and len(expected.problems) == 2
    assert remapped(report) == expected.remapped


def test_a_commit_imports_the_good_rows_and_names_the_others_with_what_to_do(session):
    rows, expected = legacy_tracker(count=120)
    before = counts(session)
    report = run(session, to_csv(rows), who="dp_notts", commit=True)
    assert report.committed and report.count("create") == 120 and len(problems(report)) == 2
    assert counts(session)[0] == before[0] + 120 + sum(1 for s in expected.decided.values() if s == "converted")
    assert "created 120" in report.summary() and "1 row refused (2 problems)" in report.summary()
    assert [r.next_step for r in report.refused_rows] == [
        "Keep one row per review: delete the repeated row, or correct its identifiers, then import the file again: "
        "the rows already imported are left as they are."]


def test_the_corrected_file_imports_and_the_second_import_changes_nothing(session):
    rows, expected = legacy_tracker(fixed=True)
    data = to_csv(rows)
    before_reviews, before_updates = counts(session)
    report = run(session, data, who="dp_notts", commit=True)
    assert report.committed and report.count("create") == expected.creates == 323
    assert len(report.remapped) == len(expected.remapped)
    created = session.scalars(select(Review).where(Review.local_identifier.like("NOTTS-%"))).all()
    assert {r.organisation_code for r in created} == {"52R", "02Q"}
    converted = sum(1 for s in expected.decided.values() if s == "converted")
    assert counts(session) == (before_reviews + 323 + converted, before_updates + 160)
    for identifier, status in expected.decided.items():
        named = (Review.local_identifier == identifier) | (Review.steis_number == identifier)
        review = session.scalar(select(Review).where(named, Review.review_type == "RAPID"))
        assert review.status == status, identifier
        if status == "converted":
            assert review.converted_to.review_type == "CSPR" and review.converted_to.organisation_code == \
                review.organisation_code
    bad_2 = session.scalar(select(Review).where(Review.local_identifier == "NOTTS-BAD-2"))
    assert (bad_2.organisation_code, bad_2.date_added, bad_2.incident_date, bad_2.themes[0].theme_code) == (
        "52R", date(2021, 11, 3), date(2021, 3, 11), "DA_DOMESTIC_ABUSE")
    sample = session.scalar(select(Review).where(Review.local_identifier == "NOTTS-0004"))
    assert (sample.dp_initials, sample.latest_update.text, sample.latest_update_on, sample.status) == (
        "JK", "Terms of reference agreed by the partnership.", date(2021, 5, 5), "closed")
    assert session.scalar(select(Review).where(Review.local_identifier == "NOTTS-0001")).overview.endswith(
        "rent arrears were known to two agencies before the incident.")

    events = session.scalar(select(func.count(AuditEvent.id)))
    again = run(session, data, who="dp_notts", commit=True)
    assert again.committed and (again.count("create"), again.count("update"), again.count("unchanged")) == (0, 0, 323)
    assert counts(session) == (before_reviews + 323 + converted, before_updates + 160)
    assert session.scalar(select(func.count(AuditEvent.id))) == events + 1  # only the import itself


def test_a_newer_version_updates_matched_reviews_with_timeline_and_audit(session):
    rows, _ = legacy_tracker(count=120, fixed=True)
    run(session, to_csv(rows), who="dp_notts", commit=True)
    reviews, updates = counts(session)
    newer, _ = legacy_tracker(count=120, fixed=True, version=2, extra=2)
    report = run(session, to_csv(newer), who="dp_notts", commit=True)
    assert report.committed
    assert (report.count("create"), report.count("update"), report.count("unchanged")) == (2, 6, 114)
    changes = {o.identifier: o.changes for o in report.outcomes if o.action == "update"}
    assert changes["NOTTS-0001"] == ("Brief overview",)
    assert changes["2021/10003"] == ("Latest update (new timeline entry)",)
    assert counts(session) == (reviews + 2, updates + 3 + 1)  # 3 new entries; one of the 2 new rows has an update
    review = session.scalar(select(Review).where(Review.steis_number == "2021/10003"))
    assert (review.latest_update_on, review.latest_update.author_label) == (date(2026, 11, 20), "dp.notts@example.com")
    edited = session.scalar(select(Review.id).where(Review.local_identifier == "NOTTS-0101"))
    edit = session.scalar(select(AuditEvent).where(AuditEvent.action == "review.edit", AuditEvent.review_id == edited))
    assert list(edit.changes) == ["overview"] and edit.actor_email == "dp.notts@example.com"
    assert session.scalar(select(func.count(ReviewUpdate.id)).where(ReviewUpdate.entry_date == date(2026, 11, 20))) == 3


def test_the_xlsx_tracker_reads_date_cells_and_excel_serials(session):
    rows, expected = legacy_tracker(count=120, fixed=True)
    report = run(session, to_xlsx(rows), who="dp_notts", filename="notts.xlsx")
    assert (report.format, report.sheet) == ("xlsx", "Tracker")
    assert report.clean, problems(report)[:5]
    assert (report.rows_read, report.blank_rows, report.count("create")) == (120, 3, 120)
    assert remapped(report) == expected.remapped


def test_a_formula_in_the_xlsx_tracker_refuses_its_row_naming_the_cell(session):
    rows, _ = legacy_tracker(count=40, fixed=True)
    before = counts(session)
    report = run(session, to_xlsx(rows, formula_at=(17, 13)), who="dp_notts", commit=True)
    assert problems(report) == [(17, "Date of latest update", "formula", "The cell holds a formula, which is never "
                                 "imported: replace it by its value (copy, then paste values only).")]
    assert report.committed and report.count("create") == 39 and counts(session)[0] > before[0]
    assert report.refused_rows[0].next_step.startswith("Replace each formula in Date of latest update by its value")
