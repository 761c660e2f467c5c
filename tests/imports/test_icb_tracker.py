"""Issue 12's "done when": a tracker written like a real ICB's imports without a mapping file, in one dry run and
one commit; every planted fault is named by its row (and column) in the dry run; the honest but incomplete rows land
on the To complete worklist; every row not imported says what to do next."""

from __future__ import annotations

from sqlalchemy import select

from app.audit.models import AuditEvent
from app.imports.worklist import worklist
from app.orgs.models import Partnership
from app.orgs.scope import scope_for_code
from app.reviews.models import Review
from app.reviews.planning import missing_fields
from tests.imports.helpers import counts, run
from tests.imports.icb_tracker import TRACKER, layout, tracker_csv

NEXT_STEP_WORDS = {"pii": "patient identifiable data", "scope": "designated professional or the national team",
                   "organisation": "ods code", "duplicate": "one row per review", None: "correct"}


def by_row(report, severity):
    out: dict[int, set[str]] = {}
    for p in report.problems:
        if p.severity == severity:
            out.setdefault(p.row, set()).add(p.column)
    return out


def test_the_dry_run_names_every_planted_fault_by_row_and_column(session):
    numbers = layout().number
    before = counts(session)
    report = run(session, tracker_csv(), who="dp_notts", filename="notts-tracker-2021-24.csv")
    assert (report.refused, report.format, report.encoding, report.header_row) == (None, "csv", "Windows-1252", 3)
    for column in (("CCG", "Sub-ICB location (CCG) as recorded"), ("CCG Code", "Sub-ICB location code"),
                   ("STEIS No / Local ID", "StEIS number / local identifier")):
        assert column in report.columns  # "CCG" holds names, "CCG Code" codes: the values tell them apart
    assert report.unknown_columns == [] and report.rows_read == len(TRACKER) == 37 and report.blank_rows == 1
    refused = by_row(report, "refused")
    expected = {numbers[i]: set(r.refused) for i, r in enumerate(TRACKER) if r.refused}
    assert {n: refused.get(n, set()) >= cols for n, cols in expected.items()} == dict.fromkeys(expected, True)
    assert set(refused) == set(expected)  # nothing else is refused
    steps = {r.row: r.next_step for r in report.refused_rows}
    for i, entry in enumerate(TRACKER):
        if entry.refused:
            assert NEXT_STEP_WORDS[entry.category] in steps[numbers[i]].lower(), (entry.fault, steps[numbers[i]])
    flagged = {o.row: set(o.to_complete) for o in report.outcomes if o.to_complete}
    labels = {"embargo_review_date": "Embargo review date", "notification_date": "Notification date",
              "partnership_id": "Safeguarding partnership / board / CSP", "dp_initials":
              "Designated professional's initials", "themes": "Abuse / vulnerability themes",
              "publication_status": "Public / embargoed"}
    assert flagged == {numbers[i]: {labels[f] for f in r.to_complete} for i, r in enumerate(TRACKER) if r.to_complete}
    noted = by_row(report, "note")
    for i, entry in enumerate(TRACKER):
        assert noted.get(numbers[i], set()) >= set(entry.notes), (numbers[i], entry.fault, noted.get(numbers[i]))
    assert report.count("create") == 27 and len(report.refused_rows) == 10 and counts(session) == before
    assert [(p.name, p.kind, p.rows, p.nearest) for p in report.new_partnerships] == [
        ("Ashfield Community Safety Partnership", "CSP", (numbers[6],), None),
        ("Gedling CSP", "CSP", (numbers[20],), "South Nottinghamshire Community Safety Partnership")]
    assert {p.message for p in report.problems if p.row == numbers[3] and p.column == "Theme 1"} == {
        "A name on more than one theme list: read from the Working Together list (a child review)."}
    assert [(m.row, m.how, m.code) for m in report.remapped if m.row == numbers[22]] == [
        (numbers[22], "April 2021 CCG name", "02Q")]
    text = str(report.to_dict())
    for secret in ("943 476 5919", "215-148-5463", "jon.s", "Atlantis", "31/02/2022"):
        assert secret not in text  # the report names cells, never their content


def test_one_commit_imports_every_row_it_can_and_the_worklist_shows_what_is_missing(session):
    numbers = layout().number
    data = tracker_csv()
    dry = run(session, data, who="dp_notts")
    report = run(session, data, who="dp_notts", commit=True)
    assert report.committed
    assert [(o.row, o.action, o.to_complete) for o in report.outcomes] == [
        (o.row, o.action, o.to_complete) for o in dry.outcomes]
    assert [(p.row, p.column, p.severity, p.message.replace("would be", "is")) for p in report.problems] == [
        (p.row, p.column, p.severity, p.message.replace("would be", "is")) for p in dry.problems]
    imported = {r.local_identifier or r.steis_number: r for r in session.scalars(
        select(Review).where(Review.organisation_code.in_(["52R", "02Q"])))}
    assert len(imported) == 27
    for i, entry in enumerate(TRACKER):
        identifier = entry.get("STEIS No / Local ID").split(" / ")[-1]
        if entry.refused:
            assert identifier not in imported or entry.category == "duplicate", entry.fault
            continue
        review = imported[identifier]
        assert missing_fields(review) == entry.to_complete, (numbers[i], entry.fault)
    assert imported["NSAB-DSAR-21-06"].theme_codes == ["CA_FINANCIAL"]  # the repeated theme kept once
    assert imported["RR-BAS-21-05"].theme_codes == ["WT_PHYSICAL"] and imported["2022/13577"].theme_codes == [
        "CA_PHYSICAL"]  # "Physical abuse": Working Together for a child review, the Care Act for an adult one
    assert imported["NCSCP-CSPR-21-01"].steis_number == "2021/10234"  # the combined column split by value
    assert imported["DHR-NC-2021-02"].status == "open" and imported["NCSCP-CSPR-21-01"].status == "closed"
    assert imported["NCSCP-CSPR-22-02"].overview.startswith("=concerns")  # text, kept as typed
    assert imported["NSAB-DSAR-21-06"].partnership.name == "Nottinghamshire Safeguarding Adults Board"
    assert imported["DHR-SN-2022-02"].partnership.name == "South Nottinghamshire Community Safety Partnership"
    assert imported["NSAB-SAR-20-07"].date_added.year == 2020  # older, still open: recorded

    items, total = worklist(session, scope_for_code(session, "QT1"))
    expected = sum(1 for entry in TRACKER if entry.to_complete)
    assert total == len(items) == expected == 9
    assert {item.identifier: item.missing for item in items}["RR-BAS-21-05"] == ("Notification date",)
    assert worklist(session, scope_for_code(session, "QMJ")) == ([], 0)  # another ICB sees none of them

    again = run(session, data, who="dp_notts", commit=True)
    assert (again.count("create"), again.count("update"), again.count("unchanged")) == (0, 0, 27)


def test_a_national_admin_accepts_the_new_partnerships_in_the_same_report(session):
    dry = run(session, tracker_csv(), who="national")
    keys = tuple(p.key for p in dry.new_partnerships)
    assert len(keys) == 2 and not any(p.accepted for p in dry.new_partnerships)
    ignored = run(session, tracker_csv(), who="dp_notts", accept=keys)  # only a national admin may add them
    assert not any(p.accepted for p in ignored.new_partnerships)
    report = run(session, tracker_csv(), who="national", commit=True, accept=keys)
    assert [p.accepted for p in report.new_partnerships] == [True, True]
    added = {p.name: p for p in session.scalars(select(Partnership).where(Partnership.name.in_(
        ["Ashfield Community Safety Partnership", "Gedling CSP"])))}
    assert {(p.kind, p.icb_code, p.local_authority) for p in added.values()} == {("CSP", "QT1", "Ashfield"),
                                                                                 ("CSP", "QT1", "Gedling")}
    assert all(p.source.startswith("added by the import of tracker.csv") for p in added.values())
    review = session.scalar(select(Review).where(Review.local_identifier == "DHR-ASH-2021-01"))
    assert review.partnership.name == "Ashfield Community Safety Partnership" and review.to_complete is None
    events = session.scalars(select(AuditEvent).where(AuditEvent.action == "partnership.create")).all()
    assert sorted(e.changes["name"][1] for e in events) == ["Ashfield Community Safety Partnership", "Gedling CSP"]
    assert run(session, tracker_csv(), who="national").new_partnerships == []  # now on the list
