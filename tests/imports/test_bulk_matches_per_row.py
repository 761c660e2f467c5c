"""The bulk import and the one-row-at-a-time services path agree: same reports, reviews, timeline and audit trail."""

from __future__ import annotations

from sqlalchemy import select

from app.audit.models import AuditEvent
from app.extensions import db
from app.reviews.models import Review, ReviewTheme, ReviewUpdate
from tests.imports.helpers import csv_bytes, problems, run
from tests.imports.icb_tracker import tracker_csv
from tests.imports.legacy_files import legacy_tracker, to_csv, to_xlsx
from tests.imports.test_import_rules import RAPID_HEAD

# Every column, updated_at and version included: both paths count one version per save and stamp the import's
# `now` (app.reviews.planning.mark_saved).
REVIEW_COLUMNS = list(Review.__table__.columns)


def report_of(report) -> dict:
    """Everything a report says (but the time it took)."""
    return {"refused": report.refused, "problems": problems(report), "notes": report.notes,
            "outcomes": [(o.row, o.action, o.identifier, o.review_id, o.changes) for o in report.outcomes],
            "remapped": report.remapped, "counts": (report.rows_read, report.blank_rows, report.header_row),
            "summary": report.summary(), "committed": report.committed}


def state(session) -> dict:
    """Every review, theme, timeline entry and audit event (but the imports' own), in id order."""
    session.expire_all()
    audit = select(AuditEvent.action, AuditEvent.actor_email, AuditEvent.entity, AuditEvent.entity_id,
                   AuditEvent.review_id, AuditEvent.review_version, AuditEvent.changes, AuditEvent.detail)
    return {
        "reviews": [tuple(r) for r in session.execute(select(*REVIEW_COLUMNS).order_by(Review.id))],
        "themes": [tuple(r) for r in session.execute(select(ReviewTheme.review_id, ReviewTheme.position,
                                                            ReviewTheme.theme_code).order_by(ReviewTheme.review_id,
                                                                                             ReviewTheme.position))],
        "updates": [tuple(r) for r in session.execute(select(
            ReviewUpdate.id, ReviewUpdate.review_id, ReviewUpdate.entry_date, ReviewUpdate.text, ReviewUpdate.author_id,
            ReviewUpdate.author_label, ReviewUpdate.created_at).order_by(ReviewUpdate.id))],
        "audit": [tuple(r) for r in session.execute(audit.where(AuditEvent.action != "review.import")
                                                    .order_by(AuditEvent.id))],
    }


def both(empty_app, steps: list[tuple[bytes, bool]], who: str, filename: str = "tracker.csv") -> list:
    """Run the same imports (data, commit) in two fresh databases, per row and bulk: [(reports, state)] for each."""
    out = []
    for per_row in (True, False):
        with empty_app().app_context():
            reports = [report_of(run(db.session, data, who=who, commit=commit, filename=filename, per_row=per_row))
                       for data, commit in steps]
            out.append((reports, state(db.session)))
    return out


def assert_same(results) -> None:
    (slow_reports, slow_state), (bulk_reports, bulk_state) = results
    for slow, bulk in zip(slow_reports, bulk_reports, strict=True):
        assert bulk == slow
    for key in slow_state:
        assert bulk_state[key] == slow_state[key], key


def test_the_messy_legacy_tracker_dry_run_refusal_commit_reimport_and_newer_version(empty_app):
    messy, _ = legacy_tracker()
    fixed, _ = legacy_tracker(fixed=True)
    newer, _ = legacy_tracker(fixed=True, version=2, extra=2)
    results = both(empty_app, [(to_csv(messy), False), (to_csv(messy), True), (to_csv(fixed), False),
                               (to_csv(fixed), True), (to_csv(fixed), True), (to_csv(newer), False),
                               (to_csv(newer), True)], who="dp_notts")
    assert_same(results)
    reports, final = results[1]
    assert [r["committed"] for r in reports] == [False, True, False, True, True, False, True]
    assert "created 320, updated 0, unchanged 0;" in reports[1]["summary"]  # every row but the 5 refused ones
    assert "would create 3, would update 0, would leave unchanged 320;" in reports[2]["summary"]
    assert "created 0, updated 0, unchanged 323;" in reports[4]["summary"]
    actions = [a[0] for a in final["audit"]]
    assert {"review.create", "review.edit", "review.update", "review.status"} <= set(actions)


def test_the_xlsx_tracker_agrees(empty_app):
    rows, _ = legacy_tracker(count=60, fixed=True)
    assert_same(both(empty_app, [(to_xlsx(rows), True)], who="dp_notts", filename="tracker.xlsx"))


def test_rapid_review_decisions_and_conversions_agree(empty_app):
    data = csv_bytes([
        RAPID_HEAD,
        ["7", "93C", "Rapid Review", "02/03/2026", "02/03/2026", "AB", "RR-1", "WT_NEGLECT", "16/03/2026", "CSPR", "9"],
        ["8", "93C", "RR", "05/03/2026", "05/03/2026", "AB", "RR-2", "WT_NEGLECT", "20/03/2026", "NFR", ""],
        ["9", "93C", "CSPR", "16/03/2026", "", "CD", "CSPR-FROM-RR-1", "WT_NEGLECT", "", "", ""],
        ["10", "93C", "Converted", "06/03/2026", "06/03/2026", "AB", "RR-3", "WT_NEGLECT", "19/03/2026", "CSPR", ""],
    ])
    changed = csv_bytes([RAPID_HEAD, ["8", "93C", "RR", "05/03/2026", "05/03/2026", "AB", "RR-2", "WT_NEGLECT",
                                      "20/03/2026", "CSPR", ""]])
    results = both(empty_app, [(data, False), (data, True), (data, True), (changed, False)], who="dp_ncl")
    assert_same(results)
    assert results[1][0][1]["committed"] and len(results[1][1]["reviews"]) == 5


HEAD = ["CCG Code", "Type of review", "Date added", "DP initials", "Local identifier", "StEIS number", "Theme 1",
        "Brief overview", "Latest update", "Latest update date", "Date report signed off", "Publication date",
        "Public / embargoed"]


def line(local, *, overview="Agencies did not share information.", steis="", update="", update_on="", signed="",
         published="", public="", dp="AB", added="03/11/2021", theme="CA_NEGLECT"):
    return ["93C", "SAR", added, dp, local, steis, theme, overview, update, update_on, signed, published, public]


def test_creates_updates_unchanged_rows_and_one_bad_row_refused_alone(empty_app):
    first = csv_bytes([HEAD, line("MIX-1"), line("MIX-2", update="Panel met.", update_on="01/12/2021"),
                       line("MIX-3", steis="2021/00042"),
                       line("MIX-4", update="Scoping.", update_on="01/12/2021")])
    mixed = csv_bytes([HEAD,
                       line("MIX-1"),  # unchanged
                       line("MIX-2", overview="Scope agreed.", update="Chronology requested.",
                            update_on="05/12/2021"),  # update: field and timeline
                       line("MIX-3", steis="2021/00042", signed="01/06/2022", published="01/07/2022",
                            public="Public"),  # update that closes the review
                       line("MIX-4", theme="CA_FINANCIAL", update="Panel met.",
                            update_on="10/11/2021"),  # new themes; an entry older than the latest one
                       line("MIX-5"),  # create
                       line("MIX-6", update="Terms of reference agreed.", update_on="04/11/2021"),  # create + entry
                       line("MIX-7", dp="A1")])  # the bad row: initials are letters
    results = both(empty_app, [(first, True), (mixed, True)], who="dp_ncl")
    assert_same(results)
    reports = results[1][0]
    assert reports[1]["committed"]
    assert [o[1] for o in reports[1]["outcomes"]] == ["unchanged", "update", "update", "update", "create", "create"]
    assert [p[:2] for p in reports[1]["problems"]] == [(8, "DP initials")]
    with empty_app().app_context():
        run(db.session, first, who="dp_ncl", commit=True)
        before = state(db.session)
        report = run(db.session, mixed, who="dp_ncl", commit=True)
        assert [r.row for r in report.refused_rows] == [8]
        after = state(db.session)
        assert len(after["reviews"]) == 6 and len(after["updates"]) == 5
        assert [a[0] for a in after["audit"][len(before["audit"]):]] == [
            "review.edit", "review.update", "review.edit", "review.status", "review.edit", "review.update",
            "review.create", "review.create", "review.update"]
        assert [r[0] for r in after["reviews"]] == [r[0] for r in before["reviews"]] + [5, 6]
        fixed = mixed.replace(b"A1", b"AC")
        report = run(db.session, fixed, who="dp_ncl", commit=True)
        assert report.committed and [o.action for o in report.outcomes] == [
            "unchanged", "unchanged", "unchanged", "unchanged", "unchanged", "unchanged", "create"]
        assert [a[0] for a in state(db.session)["audit"][len(after["audit"]):]] == ["review.create"]


def test_the_icb_tracker_with_refused_incomplete_and_noted_rows_agrees(empty_app):
    data = tracker_csv()
    assert_same(both(empty_app, [(data, False), (data, True), (data, True)], who="dp_notts"))


def test_accepted_partnerships_agree(empty_app):
    keys = ("CSP:ashfield", "CSP:gedling")
    out = []
    for per_row in (True, False):
        with empty_app().app_context():
            report = run(db.session, tracker_csv(), who="national", commit=True, per_row=per_row, accept=keys)
            out.append(([report_of(report)], state(db.session)))
    assert_same(out)
    assert out[0][0][0]["committed"]
