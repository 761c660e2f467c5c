"""The chase schedule written once: a DHR awaiting the QA Panel is chased on the QA stage, the plan lists the same
steps as the jobs, and the rapid review's working days come from the configuration."""

from __future__ import annotations

from datetime import UTC, date, datetime

from app.notifications.chasers import STAGES, advice, chase_steps, steps_to_come
from app.notifications.plan import notification_plan
from app.reviews.clocks import review_clocks
from config.clocks import CLOCKS
from tests.support.reviews import make_review
from tests.support.services import by_recipient, text_of

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
TODAY = date(2026, 11, 25)


def test_a_dhr_awaiting_the_qa_panel_is_chased_for_the_panel_not_for_publication(session, jobs, smtp):
    make_review(session, local_identifier="QA-WAIT", review_type="DHR", signed_off_date=date(2026, 6, 1))
    make_review(session, local_identifier="QA-OK", review_type="DHR", signed_off_date=date(2026, 6, 1),
                qa_submitted_date=date(2026, 7, 1), qa_approved_date=date(2026, 9, 1))
    jobs.run("chasers", NOW)
    jobs.deliver(NOW)
    smtp.wait_for(1)
    [message] = by_recipient(smtp)["dp.ncl@example.com"]
    body = text_of(message)
    qa_section = body.split("HOME OFFICE QUALITY ASSURANCE PANEL SUBMISSION OVERDUE")[1].split("PUBLICATION OVERDUE")
    assert "QA-WAIT" in qa_section[0] and "QA-OK" not in qa_section[0]
    assert "QA-OK" in qa_section[1] and "QA-WAIT" not in qa_section[1]


def test_the_plan_lists_the_jobs_own_steps(session, settings):
    rapid = make_review(session, review_type="RAPID", notification_date=date(2026, 11, 20),
                        date_added=date(2026, 11, 20), incident_date=date(2026, 11, 19))
    [clock] = [c for c in review_clocks(rapid, today=TODAY, config=CLOCKS) if c.kind == "rapid_review_due"]
    lead = settings.knobs["rapid_review_lead_working_days"]
    steps = chase_steps(clock, lead_working_days=lead)
    assert [s.code for s, _ in steps] == ["rapid-approaching", "rapid-due", "rapid-overdue"]
    assert steps_to_come(clock, lead_working_days=lead) == steps  # nothing chased yet
    plan = notification_plan(session, rapid, today=TODAY, config=settings)
    planned = {(p.when, p.why.split(" (due")[0]) for p in plan.upcoming if "deadline email" in p.why}
    assert planned == {(max(when, TODAY), stage.title) for stage, when in steps}


def test_the_working_days_in_the_advice_come_from_the_configuration():
    looser = {**CLOCKS, "rapid_review_due": {**CLOCKS["rapid_review_due"], "working_days": 20}}
    assert "20-working-day deadline" in advice(STAGES["rapid-overdue"], looser)
    assert "15-working-day deadline" in advice(STAGES["rapid-overdue"], CLOCKS)
