"""Issue 17: the DHR Quality Assurance Panel stage, the CSPR Panel notification check, the commissioning body of each
type, conversion sub-types, initials, the partnership requirement and the DARDR renaming."""

from __future__ import annotations

import csv
import io
from datetime import date
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

import config.review_types as configured
from app.demo.data import DEMO_MARKER, load_demo_data, partnerships_from_reference
from app.imports.values import parse_review_type
from app.notifications.render import review_line
from app.notifications.settings import NotificationSettings
from app.orgs.models import Partnership
from app.orgs.scope import scope_for_code
from app.people.actor import Actor
from app.reviews import actions
from app.reviews.clock_queries import overdue_condition
from app.reviews.clocks import review_clocks
from app.reviews.models import Review
from app.reviews.references import CachedReferences, SessionReferences
from app.reviews.rules import save_warnings, validate
from app.reviews.service import ReviewRejected, check_with, input_from_review, update_review
from app.reviews.types import COMMISSIONING_KIND, RapidOutcome, ReviewType, type_label, type_short
from config.clocks import CLOCKS
from tests.support.reviews import NOW, TEST_PARTNERSHIPS, make_review, review_input
from tests.support.web import page_token, sign_in

TODAY = date(2026, 11, 25)
SAB, LSCP, CSP = (TEST_PARTNERSHIPS[k][0] for k in ("SAB", "LSCP", "CSP"))


def national(session) -> Actor:
    return Actor(user_id=None, email="national@example.com", role="national_admin",
                 scope=scope_for_code(session, "ENG"))


def kinds(review) -> dict:
    return {c.kind: c for c in review_clocks(review, today=TODAY, config=CLOCKS)}


def messages(data) -> list[str]:
    return [v.message for v in validate(data, today=TODAY)]


# --- 1. DHR: the Home Office Quality Assurance Panel stage -----------------------------------------------------------

def dhr(session, **extra) -> Review:
    values = {"review_type": "DHR", "date_added": date(2025, 6, 2), "incident_date": date(2025, 5, 1),
              "signed_off_date": date(2026, 6, 1), **extra}
    return make_review(session, **values)


def test_a_dhr_awaiting_the_qa_panel_is_chased_on_the_qa_stage_not_for_publication(session):
    waiting = dhr(session)
    assert "publication_chase" not in kinds(waiting)
    submission = kinds(waiting)["qa_submission"]
    assert submission.due == date(2026, 7, 1) and submission.rag == "red"

    submitted = dhr(session, qa_submitted_date=date(2026, 7, 1))
    assert set(kinds(submitted)) >= {"qa_decision"} and "publication_chase" not in kinds(submitted)
    assert kinds(submitted)["qa_decision"].due == date(2026, 9, 29)
    feedback = dhr(session, qa_submitted_date=date(2026, 7, 1), qa_feedback_date=date(2026, 9, 1))
    assert kinds(feedback)["qa_decision"].due == date(2026, 11, 30)  # counted from the latest feedback

    approved = dhr(session, qa_submitted_date=date(2026, 7, 1), qa_approved_date=date(2026, 10, 1))
    assert "qa_decision" not in kinds(approved) and "qa_submission" not in kinds(approved)
    assert kinds(approved)["publication_chase"].due == date(2026, 10, 31)

    sar = make_review(session, signed_off_date=date(2026, 6, 1))
    assert kinds(sar)["publication_chase"].due == date(2026, 7, 1) and "qa_submission" not in kinds(sar)

    def overdue(kind):
        return set(session.scalars(select(Review.id).where(overdue_condition(kind, today=TODAY, config=CLOCKS))))
    assert overdue("publication_chase") == {approved.id, sar.id}
    assert overdue("qa_submission") == {waiting.id}
    assert overdue("qa_decision") == {submitted.id}  # the feedback one is not due until 30 November


def test_the_qa_dates_are_for_dhrs_after_sign_off_and_in_order():
    assert any("only recorded for a Domestic Homicide Review" in m
               for m in messages(review_input(signed_off_date=date(2026, 6, 1), qa_submitted_date=date(2026, 6, 2))))
    assert any("signed off is required before the report goes to the Home Office" in m
               for m in messages(review_input(review_type="DHR", qa_submitted_date=date(2026, 6, 2))))
    assert any("needs the date the report was submitted" in m
               for m in messages(review_input(review_type="DHR", signed_off_date=date(2026, 6, 1),
                                              qa_approved_date=date(2026, 7, 2))))
    assert any("cannot be before" in m
               for m in messages(review_input(review_type="DHR", signed_off_date=date(2026, 6, 1),
                                              qa_submitted_date=date(2026, 7, 1), qa_approved_date=date(2026, 6, 20))))
    assert messages(review_input(review_type="DHR_CHILD", signed_off_date=date(2026, 6, 1),
                                 qa_submitted_date=date(2026, 7, 1), qa_feedback_date=date(2026, 8, 1),
                                 qa_approved_date=date(2026, 9, 1))) == []


# --- 2. The CSPR Panel notification (5 working days from learning of the incident) -----------------------------------

def rapid(**extra) -> dict:
    return {"review_type": "RAPID", "date_added": date(2026, 11, 20), "incident_date": date(2026, 11, 2),
            "notification_date": date(2026, 11, 20), **extra}


def test_a_late_panel_notification_is_warned_about_on_save_and_shows_a_red_clock(session):
    late = make_review(session, **rapid())
    check = kinds(late)["panel_notification"]
    assert check.rag == "red" and check.due == date(2026, 11, 9) and check.summary == "done 9 working days late"
    [warning] = save_warnings(input_from_review(late))
    assert warning.field == "notification_date"
    assert "notified 9 working days late" in warning.message and "within 5 working days" in warning.message
    assert "9 November 2026" in warning.message
    # learned of it later than it happened: counted from the day the partnership learned of it
    learned = make_review(session, **rapid(incident_learned_date=date(2026, 11, 16)))
    assert "panel_notification" not in kinds(learned) and save_warnings(input_from_review(learned)) == []


def test_the_learned_date_is_for_rapid_reviews_between_incident_and_notification():
    assert any("only recorded for rapid reviews" in m
               for m in messages(review_input(incident_learned_date=date(2025, 5, 2))))
    assert any("cannot be before" in m
               for m in messages(review_input(**rapid(incident_learned_date=date(2026, 11, 21)))))


def test_the_panel_limit_follows_the_configuration():
    data = review_input(**rapid())
    looser = {**CLOCKS, "panel_notification": {**CLOCKS["panel_notification"], "working_days": 15}}
    assert save_warnings(data, clocks=looser) == []
    facts = SimpleNamespace(status="open", review_type="RAPID", date_added=date(2026, 11, 20), decision_date=None,
                            incident_date=date(2026, 11, 2), notification_date=date(2026, 11, 20),
                            latest_update_on=None, signed_off_date=None, publication_status=None,
                            embargo_review_date=None)
    assert "panel_notification" not in {c.kind for c in review_clocks(facts, today=TODAY, config=looser)}


# --- 3. Type vs commissioning body --------------------------------------------------------------------------------

@pytest.mark.parametrize(("review_type", "good", "bad"), [
    ("SAR_MANDATORY", SAB, CSP), ("SAR_DISCRETIONARY", SAB, LSCP), ("DHR", CSP, SAB), ("DHR_CHILD", CSP, LSCP),
    ("CSPR", LSCP, SAB), ("RAPID", LSCP, CSP)])
def test_each_type_needs_its_kind_of_commissioning_body_on_every_path(session, review_type, good, bad):
    extra = {"notification_date": date(2025, 5, 20)} if review_type == "RAPID" else {}
    actor = national(session)
    cached = CachedReferences(session, owner=lambda *args: None)  # the bulk import's way of looking things up
    for refs in (SessionReferences(session), cached):
        ok = check_with(refs, review_input(review_type=review_type, partnership_id=good, **extra), actor=actor,
                        today=TODAY)
        assert ok == []
        wrong = check_with(refs, review_input(review_type=review_type, partnership_id=bad, **extra), actor=actor,
                           today=TODAY)
        assert [v.field for v in wrong] == ["partnership_id"] and "is commissioned by a" in wrong[0].message
    with pytest.raises(ReviewRejected, match="is commissioned by a"):
        make_review(session, review_type=review_type, partnership_id=bad, **extra)


def test_other_reviews_take_any_kind_of_partnership(session):
    for pid in (SAB, LSCP, CSP):
        make_review(session, review_type="OTHER", type_other_description="Joint learning review", partnership_id=pid)


# --- 5. Conversions into sub-types -----------------------------------------------------------------------------------

def rapid_review(session) -> Review:
    return make_review(session, review_type="RAPID", notification_date=date(2025, 5, 20), date_added=date(2025, 5, 20))


def test_a_rapid_review_converts_into_an_existing_dhr_child_review(session):
    rr = rapid_review(session)
    child = make_review(session, review_type="DHR_CHILD", date_added=date(2025, 6, 20))
    actions.decide_rapid_review(session, review=rr, outcome=RapidOutcome.DHR, decision_date=date(2025, 6, 20),
                                actor=national(session), now=NOW, expected_version=None, into=child)
    session.commit()
    assert rr.status == "converted" and rr.converted_to_id == child.id


def test_a_sar_decision_records_its_sub_type_and_the_new_partnership(session):
    rr = rapid_review(session)
    created = actions.decide_rapid_review(
        session, review=rr, outcome=RapidOutcome.SAR, decision_date=date(2025, 6, 20), actor=national(session),
        now=NOW, expected_version=None, becomes=ReviewType.SAR_DISCRETIONARY, partnership_id=SAB)
    session.commit()
    assert created.review_type == "SAR_DISCRETIONARY" and created.partnership_id == SAB
    other = rapid_review(session)
    with pytest.raises(ReviewRejected, match="cannot become"):
        actions.decide_rapid_review(session, review=other, outcome=RapidOutcome.SAR, decision_date=date(2025, 6, 20),
                                    actor=national(session), now=NOW, expected_version=None, becomes=ReviewType.DHR)
    session.rollback()
    # no partnership chosen: the children's partnership does not commission a SAR, so none is carried over
    third = rapid_review(session)
    created = actions.decide_rapid_review(session, review=third, outcome=RapidOutcome.SAR,
                                          decision_date=date(2025, 6, 20), actor=national(session), now=NOW,
                                          expected_version=None)
    assert created.review_type == "SAR_MANDATORY" and created.partnership_id is None


# --- 6. Initials and the partnership ----------------------------------------------------------------------------------

@pytest.mark.parametrize("initials", ["JOHN", "ann", "EMMA", "A", "ABCDE", "A1", "J.S."])
def test_initials_that_are_names_or_not_2_to_4_letters_are_refused(initials):
    assert [v.field for v in validate(review_input(dp_initials=initials), today=TODAY)] == ["dp_initials"]


@pytest.mark.parametrize("initials", ["AB", "slt", "HDK", "JKRW"])
def test_real_initials_pass_upper_cased(initials):
    assert validate(review_input(dp_initials=initials), today=TODAY) == []


def test_the_partnership_is_required_for_reviews_added_from_the_cut_over_and_never_blanked(session):
    assert any("partnership / board / CSP is required" in m
               for m in messages(review_input(date_added=date(2026, 12, 3), incident_date=date(2026, 11, 1),
                                              partnership_id=None)))
    # an older review without one still loads and saves
    legacy = make_review(session, partnership_id=None)
    update_review(session, review=legacy, expected_version=legacy.version, actor=national(session), now=NOW,
                  data=review_input(**{**vars(input_from_review(legacy)), "overview": "Edited."}))
    session.commit()
    assert legacy.overview == "Edited." and legacy.partnership_id is None
    [nudge] = save_warnings(input_from_review(legacy))
    assert nudge.field == "partnership_id" and "not required for reviews added before 3 December 2026" in nudge.message
    recorded = make_review(session)
    with pytest.raises(ReviewRejected, match="required once recorded"):
        update_review(session, review=recorded, expected_version=recorded.version, actor=national(session), now=NOW,
                      data=review_input(**{**vars(input_from_review(recorded)), "partnership_id": None}))


# --- 7. The renaming to Domestic Abuse Related Death Review -----------------------------------------------------------

def test_dhr_labels_follow_the_configured_date(monkeypatch):
    # VPA 2024 s.19 is not in force until its commencement date is configured: the old names everywhere
    assert configured.TYPE_RENAMES[0]["takes_effect"] is None
    assert type_label("DHR", date(2030, 1, 2)) == "Domestic Homicide Review"
    monkeypatch.setitem(configured.TYPE_RENAMES[0], "takes_effect", date(2027, 4, 1))
    assert type_label("DHR", date(2027, 3, 31)) == "Domestic Homicide Review"
    assert type_label("DHR", date(2027, 4, 1)) == "Domestic Abuse Related Death Review"
    assert type_short("DHR_CHILD", date(2028, 1, 1)) == "DARDR (child)"
    assert type_short("DHR_CHILD", date(2027, 3, 31)) == "DHR (child)"
    assert type_label("SAR_MANDATORY", date(2028, 1, 1)) == ReviewType.SAR_MANDATORY.label
    # the import reads every name, old and new, whatever the date
    assert parse_review_type("DARDR (child)") == ("DHR_CHILD", False)
    assert parse_review_type("Domestic Abuse Related Death Review (child, victim aged 16-17)") == ("DHR_CHILD", False)
    assert parse_review_type("Domestic Homicide Review") == ("DHR", False)


def test_every_screen_names_a_dhr_as_it_was_called_when_it_was_added(client, session, app, monkeypatch):
    monkeypatch.setitem(configured.TYPE_RENAMES[0], "takes_effect", date(2025, 1, 1))
    old = dhr(session, date_added=date(2024, 1, 10), incident_date=date(2024, 1, 2), local_identifier="DHR-OLD-1")
    renamed = dhr(session, local_identifier="DHR-NEW-1")
    sign_in(client, "dp_ncl")
    assert "Domestic Homicide Review" in client.get(f"/admin/review/details/?id={old.id}").get_data(as_text=True)
    assert "Domestic Abuse Related Death Review" in client.get(
        f"/admin/review/details/?id={renamed.id}").get_data(as_text=True)
    listed = client.get("/admin/review/?search=DHR-NEW-1").get_data(as_text=True)
    assert ">DARDR<" in listed
    exported = client.get("/admin/review/export/csv/").get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(exported)))
    column = rows[0].index("Type of review")
    named = {row[rows[0].index("Local identifier")]: row[column] for row in rows[1:]}
    assert named["DHR-OLD-1"] == "Domestic Homicide Review"
    assert named["DHR-NEW-1"] == "Domestic Abuse Related Death Review"
    # a new review is commissioned today: the form offers today's name; an older review's form keeps its own
    assert "Domestic Abuse Related Death Review" in client.get("/admin/review/new/").get_data(as_text=True)
    edit = client.get(f"/admin/review/edit/?id={old.id}").get_data(as_text=True)
    assert "Domestic Homicide Review" in edit and "Domestic Abuse Related Death Review" not in edit
    settings = NotificationSettings.from_config(app.config)
    assert review_line(renamed, settings).type_short == "DARDR"
    assert review_line(old, settings).type_short == "DHR"


def test_demo_partnerships_sit_at_county_or_unitary_level(session):
    built = partnerships_from_reference(session)
    names = {p.name for p in built}
    assert "Barnsley Safeguarding Adults Board" in names  # a metropolitan district: its own board
    assert "Basildon Community Safety Partnership" in names  # CSPs are per district
    assert "Basildon Safeguarding Adults Board" not in names  # a shire district shares its county's board
    assert not any(n.endswith("(demo)") for n in names)
    assert {p.kind for p in built} == {"SAB", "LSCP", "CSP"}
    before = session.scalar(select(func.count(Partnership.id)))
    partnerships_from_reference(session)
    assert session.scalar(select(func.count(Partnership.id))) == before  # building the list adds nothing


def test_the_demo_gives_each_review_a_partnership_of_its_commissioning_kind_covering_its_area(session):
    built = partnerships_from_reference(session)
    shipped = set(session.scalars(select(Partnership.name)))  # data/reference/partnerships.csv, loaded already
    report = load_demo_data(session, now=NOW, reviews=80, partnerships=built)
    session.commit()
    assert report.partnerships == len([p for p in built if p.name not in shipped])
    covers = {p.name: p.locations for p in built}
    demo = session.scalars(select(Review).where(Review.local_identifier.like(f"{DEMO_MARKER}%"))).all()
    assert len(demo) >= 80
    for review in demo:
        assert review.partnership is not None, review.identifier
        wanted = COMMISSIONING_KIND.get(ReviewType(review.review_type))
        assert wanted is None or review.partnership.kind == wanted, review.identifier
        assert review.organisation_code in covers[review.partnership.name], review.identifier
    kinds = {k: sum(p.kind == k for p in built) for k in ("SAB", "LSCP", "CSP")}
    assert kinds["SAB"] == kinds["LSCP"] < kinds["CSP"]  # boards at county/unitary level, CSPs per district


def test_the_form_warns_of_a_late_notification_and_the_page_shows_the_qa_stage(client, session):
    sign_in(client, "dp_ncl")
    token = page_token(client, "/admin/review/new/")
    client.post("/admin/review/new/", data={
        "csrf_token": token, "review_type": "RAPID", "organisation_code": "93C", "date_added": "2026-11-20",
        "incident_date": "2026-11-02", "notification_date": "2026-11-20", "dp_initials": "JK",
        "local_identifier": "RR-LATE-1", "theme_1": "CA_NEGLECT", "partnership_id": str(LSCP)})
    late = session.scalar(select(Review).where(Review.local_identifier == "RR-LATE-1"))
    page = client.get(f"/admin/review/details/?id={late.id}").get_data(as_text=True)
    assert "notified 9 working days late" in page and 'data-kind="panel_notification"' in page
    submitted = dhr(session, qa_submitted_date=date(2026, 7, 1))
    page = client.get(f"/admin/review/details/?id={submitted.id}").get_data(as_text=True)
    assert "Submitted to the Home Office Quality Assurance Panel" in page and "1 July 2026" in page
    assert "Home Office Quality Assurance Panel decision" in page  # its running clock


def test_the_notification_date_message_renders_the_configured_working_days():
    looser = {**CLOCKS, "rapid_review_due": {**CLOCKS["rapid_review_due"], "working_days": 20}}
    data = review_input(review_type="RAPID", partnership_id=LSCP)
    assert any("20-working-day clock" in v.message for v in validate(data, today=TODAY, clocks=looser))
