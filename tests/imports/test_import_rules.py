"""Every row goes through the form's rules and the user's scope; decisions, status, timeline and matching."""

import io
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.imports.rows import TEMPLATE_EXAMPLE_PREFIX
from app.imports.template import template_csv, template_xlsx
from app.orgs.models import Partnership
from app.people.actor import NotAllowed
from app.reviews.models import Review
from tests.imports.helpers import counts, csv_bytes, notes, problems, run
from tests.support.reviews import make_review

HEAD = ["CCG Code", "Type of review", "Date added", "DP initials", "Local identifier", "Theme 1", "Brief overview"]


def row(org="93C", rtype="SAR", added="03/11/2021", dp="AB", local="NCL-1", theme="CA_NEGLECT",
        overview="Agencies did not share information."):
    return [org, rtype, added, dp, local, theme, overview]


def test_a_row_outside_the_users_scope_is_refused_alone(session):
    hidden = make_review(session, organisation_code="52R", local_identifier="SECRET-52R")
    before = counts(session)
    data = csv_bytes([HEAD, row(local="NCL-1"), row(org="52R", local="SECRET-52R"), row(local="NCL-2")])
    report = run(session, data, who="dp_ncl", commit=True)
    assert problems(report) == [(3, "CCG Code", "text", "Organisation is outside your scope (ICB QMJ NHS North Central "
                                "London Integrated Care Board): this row is not imported.")]
    assert report.committed and counts(session) == (before[0] + 2, before[1])
    assert [(r.row, r.next_step) for r in report.refused_rows] == [(3, (
        "Ask the organisation's designated professional or the national team to import this row, then import the "
        "file again: the rows already imported are left as they are."))]
    assert f"#{hidden.id}" not in str(report.to_dict())  # nothing about the other organisation's review leaks
    session.expire_all()
    assert session.get(type(hidden), hidden.id).version == hidden.version  # and it is never touched


def test_roles_without_the_import_permission_are_refused(session):
    with pytest.raises(NotAllowed):
        run(session, csv_bytes([HEAD, row()]), who="lead_london")
    with pytest.raises(NotAllowed):
        run(session, csv_bytes([HEAD, row()]), who="viewer_national")


def test_rule_violations_are_the_forms_messages_on_the_cells(session):
    data = csv_bytes([[*HEAD, "StEIS number", "Web link to report"],
                      [*row(local="JonS-2021"), "21/123", "http://insecure.example.org"],
                      [*row(added="01/12/2026", local="FUTURE-1"), "", ""]])
    report = run(session, data, who="dp_ncl")
    assert problems(report) == [
        (2, "Local identifier", "text", "Local identifier: contains what looks like a person's name (patient "
                                        "identifiable data is not allowed here)"),
        (2, "StEIS number", "number or date text", "StEIS number must be a year, a slash and five digits, for example "
                                                   "2021/12345."),
        (2, "Web link to report", "text", "Web link to report must be a full https:// address."),
        (3, "Date added", "number or date text", "Date added cannot be in the future."),
    ]
    assert "JonS" not in str(report.problems)


def test_status_is_never_typed_it_follows_the_dates(session):
    head = [*HEAD, "Status", "Date report signed off", "Publication date", "Public / embargoed"]
    data = csv_bytes([head, [*row(local="S-1"), "Closed", "", "", ""],
                      [*row(local="S-2"), "Open", "01/06/2022", "01/07/2022", "Public"]])
    report = run(session, data, who="dp_ncl", commit=True)
    assert report.committed and report.notes == []
    assert notes(report) == [
        (2, "Status", "The file says closed; the review is imported as open, as the rules say: status follows the "
                      "dates (sign-off, publication, rapid review decision) and is never typed."),
        (3, "Status", "The file says open; the review is imported as closed, as the rules say: status follows the "
                      "dates (sign-off, publication, rapid review decision) and is never typed.")]
    statuses = dict(session.execute(select(Review.local_identifier, Review.status).where(
        Review.local_identifier.in_(["S-1", "S-2"]))).all())
    assert statuses == {"S-1": "open", "S-2": "closed"}


RAPID_HEAD = ["Tracker number", "Sub-ICB location code", "Type of review", "Date added", "Notification date",
              "Designated professional's initials", "Local identifier", "Theme 1", "Decision date",
              "Rapid review decision", "Converted to"]


def test_rapid_review_decisions_close_or_convert_and_link_the_review_it_became(session):
    data = csv_bytes([
        RAPID_HEAD,
        ["7", "93C", "Rapid Review", "02/03/2026", "02/03/2026", "AB", "RR-1", "WT_NEGLECT", "16/03/2026",
         "Child Safeguarding Practice Review", "9"],
        ["8", "93C", "RR", "05/03/2026", "05/03/2026", "AB", "RR-2", "WT_NEGLECT", "20/03/2026", "No further review",
         ""],
        ["9", "93C", "CSPR", "16/03/2026", "", "CD", "CSPR-FROM-RR-1", "WT_NEGLECT", "", "", ""],
        ["10", "93C", "Converted", "06/03/2026", "06/03/2026", "AB", "RR-3", "WT_NEGLECT", "19/03/2026", "CSPR", ""],
    ])
    before_reviews, _ = counts(session)
    report = run(session, data, who="dp_ncl", commit=True)
    assert report.committed, problems(report)
    assert [(o.row, o.action, o.changes) for o in report.outcomes] == [
        (2, "create", ("Rapid review decision",)), (3, "create", ("Rapid review decision",)), (4, "create", ()),
        (5, "create", ("Rapid review decision (creates the review it became, pre-filled as the form does)",))]
    assert counts(session)[0] == before_reviews + 5  # four rows, plus the review RR-3 became
    rr1, rr2, cspr, rr3 = (session.scalar(select(Review).where(Review.local_identifier == i))
                           for i in ("RR-1", "RR-2", "CSPR-FROM-RR-1", "RR-3"))
    assert (rr1.status, rr1.rapid_outcome, rr1.decision_date, rr1.converted_to_id) == (
        "converted", "CSPR", date(2026, 3, 16), cspr.id)
    assert (rr2.status, rr2.closed_on) == ("closed", date(2026, 3, 20))
    assert (rr3.status, rr3.converted_to.local_identifier, rr3.converted_to.review_type) == (
        "converted", "RR-3-CSPR", "CSPR")
    again = run(session, data, who="dp_ncl", commit=True)
    assert [o.action for o in again.outcomes] == ["unchanged"] * 4 and counts(session)[0] == before_reviews + 5

    changed = csv_bytes([RAPID_HEAD, ["8", "93C", "RR", "05/03/2026", "05/03/2026", "AB", "RR-2", "WT_NEGLECT",
                                      "20/03/2026", "CSPR", ""]])
    assert problems(run(session, changed, who="dp_ncl")) == [(2, "Decision date", "number or date text", (
        "The rapid review was already decided differently: an import never changes a decision (a national admin can "
        "reopen it)."))]


def test_decision_cells_must_agree(session):
    data = csv_bytes([RAPID_HEAD,
                      ["", "93C", "RR", "02/03/2026", "02/03/2026", "AB", "RR-9", "WT_NEGLECT", "", "CSPR", ""],
                      ["", "93C", "Converted", "02/03/2026", "02/03/2026", "AB", "RR-10", "WT_NEGLECT", "", "", ""],
                      ["", "93C", "SAR", "02/03/2026", "", "AB", "SAR-9", "CA_NEGLECT", "04/03/2026", "NFR", ""]])
    assert problems(run(session, data, who="dp_ncl")) == [
        (2, "Decision date", "blank", "Give the date of the rapid review's decision."),
        (3, "Type of review", "text", "'Converted' is a rapid review that became a full review: give its decision "
                                      "date and what it became (Rapid review decision)."),
        (4, "Decision date", "number or date text", "Only a rapid review has a decision.")]


def test_latest_update_adds_a_timeline_entry_only_when_it_differs(session):
    review = make_review(session, local_identifier="NCL-UPD", date_added=date(2025, 6, 2))
    head = ["CCG", "Local ref", "Type", "Latest update", "Latest update date"]
    first = csv_bytes([head, ["93C", "NCL-UPD", "SAR", "Chronology requested.", "10/06/2025"]])
    report = run(session, first, who="dp_ncl", commit=True)
    assert [(o.action, o.changes) for o in report.outcomes] == [("update", ("Latest update (new timeline entry)",))]
    session.expire_all()
    assert (review.latest_update.text, review.latest_update_on) == ("Chronology requested.", date(2025, 6, 10))
    assert [o.action for o in run(session, first, who="dp_ncl", commit=True).outcomes] == ["unchanged"]
    early = csv_bytes([head, ["93C", "NCL-UPD", "SAR", "Panel met.", "01/01/2025"]])
    assert problems(run(session, early, who="dp_ncl")) == [
        (2, "Latest update date", "number or date text", "Update date cannot be before the date the review was added.")]


def test_columns_absent_from_the_file_keep_their_values(session):
    review = make_review(session, local_identifier="NCL-KEEP", overview="Kept as it was.", media_interest=False)
    data = csv_bytes([["CCG", "Local ref", "Type of review", "Media interest"], ["93C", "NCL-KEEP", "SAR", "Yes"]])
    report = run(session, data, who="dp_ncl", commit=True)
    assert [(o.action, o.changes, o.review_id) for o in report.outcomes] == [("update", ("Media interest",), review.id)]
    session.expire_all()
    assert (review.media_interest, review.overview, review.theme_codes) == (True, "Kept as it was.", ["CA_NEGLECT"])


def test_two_identifiers_naming_two_reviews_is_a_problem(session):
    a = make_review(session, local_identifier="NCL-A")
    b = make_review(session, local_identifier="NCL-B", steis_number="2025/00042")
    data = csv_bytes([["CCG", "Local ref", "StEIS", "Type"], ["93C", "NCL-A", "2025/00042", "SAR"]])
    assert problems(run(session, data, who="dp_ncl")) == [
        (2, "Local ref", "text", f"The row's identifiers match more than one review (#{a.id}, #{b.id}): correct the "
                                 "identifiers so they name one review.")]


def test_organisations_partnerships_and_themes_by_name(session):
    session.add_all([Partnership(name="Camden Safeguarding Adults Board", kind="SAB", icb_code="QMJ"),
                     Partnership(name="Rushcliffe Community Safety Partnership", kind="CSP", icb_code="QT1")])
    session.commit()
    head = ["Organisation name", "Local ref", "Type", "Date added", "DP", "Partnership", "Theme 1", "Theme 2"]
    data = csv_bytes([
        head,
        ["NHS North Central London ICB - 93C", "N-1", "SAR", "03/11/2021", "AB", "camden  safeguarding adults board",
         "neglect and acts of omission", "Self-neglect"],
        ["north central london", "N-2", "DHR", "03/11/2021", "AB", "", "Domestic abuse", ""],
        ["Hertfordshire and West Essex", "N-3", "SAR", "03/11/2021", "AB", "Nowhere Board", "Physical abuse", ""],
        ["NHS Darlington", "N-4", "DHR", "03/11/2021", "AB", "Rushcliffe Community Safety Partnership",
         "Physical abuse", ""],
    ])
    report = run(session, data, who="national")
    assert problems(report) == [
        (4, "Organisation name", "text", "The name matches several organisations (06K, 06N, 07H): use the ODS code.")]
    assert [(m.row, m.how, m.found_as, m.code) for m in report.remapped] == [
        (5, "old CCG name", "NHS Darlington", "16C")]
    assert [o.row for o in report.outcomes] == [2, 3, 5]
    assert [(p.name, p.kind, p.rows) for p in report.new_partnerships] == [("Nowhere Board", "SAB", (4,))]
    assert [n[:2] for n in notes(report) if n[1] == "Partnership"] == []  # case and spacing: the same name
    assert [(n[0], n[2].split(": ")[1]) for n in notes(report) if n[1] == "Theme 1"] == [
        (3, "read from the Domestic Abuse Act list (a domestic homicide review)."),
        (4, "read from the Care Act list (an adult review)."),
        (5, "read from the Care Act list (an adult review).")]  # a DHR takes the adult list after the DA Act list
    dp_report = run(session, csv_bytes([head, ["93C", "N-5", "SAR", "03/11/2021", "AB",
                                               "Rushcliffe Community Safety Partnership", "CA_NEGLECT", ""]]),
                    who="dp_ncl")
    assert problems(dp_report) == [(2, "Partnership", "text", "Safeguarding partnership is outside your scope.")]


def test_a_mapping_file_names_unusual_headers(session):
    data = csv_bytes([["Commissioner ODS", "Case no", "Kind", "Opened", "Lead", "Primary concern"],
                      ["93C", "MAP-1", "SAR", "03/11/2021", "AB", "CA_NEGLECT"]])
    assert run(session, data, who="dp_ncl").refused.startswith("None of the columns is recognised")
    mapping = b"Commissioner ODS,organisation\nCase no,local_identifier\nKind,review_type\nOpened,date_added\n" \
              b"Lead,dp_initials\nPrimary concern,theme_1\n"
    report = run(session, data, who="dp_ncl", mapping=mapping, commit=True)
    assert report.committed and report.count("create") == 1


def test_the_templates_example_row_is_refused_and_the_template_imports_once_edited(session):
    report = run(session, template_csv(), who="dp_notts")
    assert problems(report) == [(2, "Local identifier", "text", "This is the template's example row: delete it before "
                                                                "importing.")]
    lower = template_csv().replace(TEMPLATE_EXAMPLE_PREFIX.encode(), b"example-")  # the check ignores case
    assert [p.row for p in run(session, lower, who="dp_notts").problems] == [2]
    edited = template_csv().replace(TEMPLATE_EXAMPLE_PREFIX.encode(), b"")
    assert run(session, edited, who="dp_notts").clean
    xlsx = run(session, template_xlsx(session), who="dp_notts", filename="template.xlsx")
    assert (xlsx.sheet, len(xlsx.problems), xlsx.problems[0].row) == ("Reviews", 1, 2)


def test_the_templates_legacy_example_imports_as_it_is_once_its_identifiers_are_real(session):
    """The Legacy example sheet is a real-looking tracker: every row is refused as an example while its identifiers
    say EXAMPLE-; without them it imports as it is (no mapping file), one rapid review to complete."""
    book = load_workbook(io.BytesIO(template_xlsx(session)))
    refused = run(session, template_xlsx(session), who="dp_notts", filename="template.xlsx", sheet="Legacy example")
    assert (refused.header_row, refused.count("create")) == (2, 0)
    assert [r.row for r in refused.refused_rows] == [3, 4, 5, 6]
    sheet = book["Legacy example"]
    for cells in sheet.iter_rows(min_row=3):
        for cell in cells:
            if isinstance(cell.value, str):
                cell.value = cell.value.replace(TEMPLATE_EXAMPLE_PREFIX, "")
    out = io.BytesIO()
    book.save(out)
    report = run(session, out.getvalue(), who="dp_notts", filename="legacy.xlsx", sheet="Legacy example", commit=True)
    assert report.committed and report.count("create") == 4 and report.refused_rows == []
    assert [(o.row, o.to_complete) for o in report.outcomes if o.to_complete] == [(6, ("Notification date",))]
    assert report.unknown_columns == [] and {m.code for m in report.remapped} == {"52R"}
    partnership = {r.local_identifier: r.partnership.name for r in session.scalars(
        select(Review).where(Review.local_identifier.in_(["NSAB-SAR-21-03", "DHR-NC-2021-02"])))}
    assert partnership == {"NSAB-SAR-21-03": "Nottinghamshire Safeguarding Adults Board",
                           "DHR-NC-2021-02": "Nottingham Crime and Drugs Partnership"}


def test_scrt_extract_columns_import(session):
    head = ["Status", "Date added", "CCG area", "CCG code", "STP/ICS area", "STP/ICS code", "Region name",
            "Region code", "Designated professional's initials", "Partnership", "StEIS number / local identifier",
            "Type of review", "Incident date", "Brief overview", "Theme 1", "Theme 2", "Theme 3", "Media interest"]
    data = csv_bytes([head,
                      ["Open", "2021-11-03", "NHS North Central London CCG", "93C", "North London Partners", "QMJ",
                       "London", "Y56", "AB", "", "2021/12345", "SAR", "2021-10-01", "Neglect.", "CA_NEGLECT", "", "",
                       "N"],
                      ["Open", "2021-11-04", "NHS North Central London CCG", "93C", "", "", "", "", "CD", "",
                       "NCL-LOCAL-7", "DHR", "", "Domestic abuse.", "DA_DOMESTIC_ABUSE", "", "", "Y"]])
    report = run(session, data, who="dp_ncl", commit=True)
    assert report.committed and len(report.derived_columns) == 4
    assert session.scalar(select(Review.steis_number).where(Review.steis_number == "2021/12345"))
    assert session.scalar(select(Review.media_interest).where(Review.local_identifier == "NCL-LOCAL-7")) is True
