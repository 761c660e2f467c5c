"""Each job on the fixture data set sends exactly the expected emails; running everything again sends nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from app.notifications.models import NotificationNotice, OutboxMessage
from tests.notifications import dataset
from tests.support.services import by_recipient, csv_rows, html_of, text_of

NOW = dataset.NOW
DP_NCL, DP_NOTTS = "dp.ncl@example.com", "dp.notts@example.com"
LEAD_LONDON, LEAD_MIDLANDS, NATIONAL = "lead.london@example.com", "lead.midlands@example.com", "national@example.com"
FREE_TEXT = ("Agencies did not share information", "Chronology requested from agencies")


@pytest.fixture
def reviews(session):
    return dataset.build(session)


def received(smtp, count: int) -> dict:
    smtp.wait_for(count, timeout=10)
    return {to: [(str(m["Subject"]), m) for m in msgs] for to, msgs in by_recipient(smtp).items()}


def assert_no_case_text(message) -> None:
    for part in (text_of(message), html_of(message)):
        for phrase in FREE_TEXT:
            assert phrase not in part


def test_stale_reminders_group_each_persons_reviews_into_one_email(session, reviews, jobs, smtp):
    report = jobs.run("stale-reminders", NOW)
    assert len(report.queued) == 2 and report.notices == 3
    assert jobs.deliver().sent and len(smtp.messages) == 2
    mail = received(smtp, 2)
    assert set(mail) == {DP_NCL, DP_NOTTS}
    (subject, message), = mail[DP_NCL]
    assert subject == "Reminder: 2 reviews need an update"
    text = text_of(message)
    assert "NCL-STALE-1" in text and "NCL-STALE-2" in text
    for absent in ("NCL-SNOOZED-1", "NCL-FRESH-1", "NCL-SIGNOFF-1", "NOTTS-STALE-1"):
        assert absent not in text
    assert "No update since Tue 1 Sep 2026 (85 days)" in text
    assert f"https://tracker.example.com/admin/review/details/?id={reviews['stale_ncl'].id}" in html_of(message)
    assert_no_case_text(message)
    assert mail[DP_NOTTS][0][0] == "Reminder: 1 review needs an update"
    assert message["Message-ID"].startswith("<outbox-") and message["Message-ID"].endswith("@tracker.example.com>")


def test_chasers_send_each_stage_once(session, reviews, jobs, smtp):
    jobs.run("chasers", NOW)
    jobs.deliver()
    mail = received(smtp, 1)
    assert set(mail) == {DP_NCL}
    (subject, message), = mail[DP_NCL]
    assert subject == "Deadlines on 2 reviews: 1 sign-off overdue, 1 publication overdue"
    text = text_of(message)
    assert "NCL-SIGNOFF-1" in text and "Sign-off expected: due Wed 2 Sep 2026 (84 days overdue)" in text
    assert "NCL-PUB-1" in text and "Publication due: due Thu 1 Oct 2026" in text
    assert_no_case_text(message)
    # The rapid review (notified Fri 20 Nov, due Fri 11 Dec) is chased 5 working days before, on the day, and after.
    smtp.clear()
    for day, expected in [(3, None), (4, "Rapid review due soon: NCL-RR-1 (due in 5 working days, 11 Dec 2026)"),
                          (7, None), (11, "Rapid review due today: NCL-RR-1 (due today, 11 Dec 2026)"),
                          (12, "Rapid review overdue: NCL-RR-1 (1 day overdue, 11 Dec 2026)"), (14, None)]:
        report = jobs.run("chasers", datetime(2026, 12, day, 9, 0, tzinfo=UTC))
        subjects = [s for _, to, s in report.queued if to == DP_NCL]
        assert subjects == ([expected] if expected else []), (day, report.queued)
    jobs.deliver(datetime(2026, 12, 14, 10, 0, tzinfo=UTC))
    mail = received(smtp, 4)
    assert [s for s, _ in mail[LEAD_LONDON]] == [
        "Rapid review overdue: NCL-RR-1 (1 day overdue, 11 Dec 2026)"]


def test_digests_hold_the_expected_reviews(session, reviews, jobs, smtp):
    weekly = jobs.run("weekly-digest", NOW)
    monthly = jobs.run("monthly-digest", NOW)
    quarterly = jobs.run("quarterly-digest", NOW)
    assert sorted(to for _, to, _ in weekly.queued) == [DP_NCL, DP_NOTTS]  # dp.bassetlaw: nothing open, not sent
    assert sorted(to for _, to, _ in monthly.queued) == [LEAD_LONDON, LEAD_MIDLANDS, NATIONAL]
    assert sorted(to for _, to, _ in quarterly.queued) == [LEAD_LONDON, LEAD_MIDLANDS, NATIONAL]
    jobs.deliver()
    mail = received(smtp, 8)
    subjects = {to: sorted(s for s, _ in msgs) for to, msgs in mail.items()}
    assert subjects[DP_NCL] == ["Weekly digest, week of 23 Nov 2026: 7 open, 0 newly overdue, 1 due in 14 days"]
    assert subjects[LEAD_LONDON] == [
        "Monthly digest for London, October 2026: 1 new, 0 closed or converted, 6 open",
        "Quarterly digest for London, Q2 2026/27: 3 new, 0 closed or converted, 5 open"]
    assert subjects[NATIONAL][0].startswith(
        "Monthly digest for England, October 2026: 1 new, 0 closed or converted, 7 open")
    weekly_ncl = mail[DP_NCL][0][1]
    assert {r["Identifier"] for r in csv_rows(weekly_ncl)} == {
        "NCL-STALE-1", "NCL-STALE-2", "NCL-FRESH-1", "NCL-SNOOZED-1", "NCL-RR-1", "NCL-SIGNOFF-1", "NCL-PUB-1"}
    monthly_london = next(m for s, m in mail[LEAD_LONDON] if s.startswith("Monthly"))
    rows = csv_rows(monthly_london)
    assert len(rows) == 6 and {r["Identifier"] for r in rows if r["New in period"] == "Yes"} == {"NCL-FRESH-1"}
    assert {r["Identifier"] for r in csv_rows(mail[LEAD_MIDLANDS][0][1])} == {"NOTTS-STALE-1"}
    for msgs in mail.values():
        for _, message in msgs:
            assert_no_case_text(message)
            assert "Agencies did not share" not in "".join(str(r) for r in csv_rows(message))


def test_every_job_twice_sends_nothing_more(session, reviews, jobs, smtp):
    names = ["stale-reminders", "chasers", "weekly-digest", "monthly-digest", "quarterly-digest"]
    first = [len(jobs.run(job, NOW).queued) for job in names]
    jobs.deliver()
    total = sum(first)
    smtp.wait_for(total)
    notices = session.scalar(select(func.count(NotificationNotice.id)))
    again = [len(jobs.run(job, NOW).queued) for job in names]
    later_same_day = [len(jobs.run(job, NOW.replace(hour=16)).queued) for job in names]
    assert again == [0] * 5 and later_same_day == [0] * 5
    assert jobs.deliver().sent == []
    assert len(smtp.messages) == total == session.scalar(select(func.count(OutboxMessage.id)))
    assert session.scalar(select(func.count(NotificationNotice.id))) == notices


def test_unanswered_reminders_escalate_once_to_the_regional_lead_and_an_update_resets(session, reviews, jobs, smtp):
    from datetime import timedelta

    def run(days: int) -> dict[str, list[str]]:
        sent: dict[str, list[str]] = {}
        for _, to, subject in jobs.run("stale-reminders", NOW + timedelta(days=days)).queued:
            sent.setdefault(to, []).append(subject)
        return sent

    assert set(run(0)) == {DP_NCL, DP_NOTTS}  # round 1
    assert run(3) == {}  # the interval (7 days) has not passed
    assert set(run(7)) == {DP_NCL, DP_NOTTS}  # round 2
    third = run(14)  # round 3: two unanswered rounds, so the regional leads are told
    assert third[LEAD_LONDON] == ["Escalation: 2 reviews in London still without an update"]
    assert third[LEAD_MIDLANDS] == ["Escalation: 1 review in Midlands still without an update"]
    assert set(third) == {DP_NCL, DP_NOTTS, LEAD_LONDON, LEAD_MIDLANDS}
    assert set(run(21)) == {DP_NCL, DP_NOTTS}  # round 4: no second escalation in the same cycle
    # On 17 Dec an update dated 1 Dec is posted: it answers every reminder sent so far.
    dataset.update(session, reviews["stale_ncl"], date(2026, 12, 1), now=datetime(2026, 12, 17, 12, tzinfo=UTC))
    # 35 days on: stale_ncl_2 and the Nottingham review are still in their first cycle; stale_ncl restarted
    # (stale again from 30 Dec: round 1); the snoozed review was reminded once after its snooze ended (10 Dec).
    jobs.run("stale-reminders", NOW + timedelta(days=35))
    jobs.deliver(NOW + timedelta(days=35))  # only now is anything relayed: the sink gets every email so far
    # 13 emails: rounds on days 0, 7, 14 (+2 escalations), 21, 35; by day 35 more reviews have gone stale and
    # NCL-SIGNOFF-1 reached its third round, so London is told about it, but not again about NCL-STALE-2.
    messages = smtp.wait_for(13)
    assert len(messages) == 13
    entries = {block.split(" ", 1)[0]: block for block in text_of(by_recipient(smtp)[DP_NCL][-1]).split("\n* ")[1:]}
    assert "Reminder 1 of 2 before the regional lead is told" in entries["NCL-STALE-1"]  # reset by the update
    assert "Reminder 2 of 2 before the regional lead is told" in entries["NCL-SNOOZED-1"]  # snooze ended 10 Dec
    assert "Reminder 5: the regional lead has been told" in entries["NCL-STALE-2"]
    last_escalation = text_of(by_recipient(smtp)[LEAD_LONDON][-1])
    assert "NCL-SIGNOFF-1" in last_escalation and "NCL-STALE-2" not in last_escalation


def test_a_review_with_no_designated_professional_goes_to_the_regional_lead_at_once(session, jobs, smtp):
    from tests.support.reviews import make_review

    make_review(session, local_identifier="NO-DP-1", organisation_code="15E", date_added=date(2026, 9, 1))
    report = jobs.run("stale-reminders", NOW)
    assert [(to, s) for _, to, s in report.queued] == [
        (LEAD_MIDLANDS, "Escalation: 1 review in Midlands still without an update")]
    jobs.deliver(NOW)
    body = text_of(smtp.wait_for(1)[0].message())
    assert "no designated professional is registered on the tracker" in body and "NO-DP-1" in body


def test_stale_reminders_stream_in_batches_with_the_same_outcome(session, reviews, jobs, smtp, monkeypatch):
    from app.notifications import reminders

    monkeypatch.setattr(reminders, "BATCH", 1)  # every review its own batch (scans stream BATCH reviews at a time)
    report = jobs.run("stale-reminders", NOW)
    assert len(report.queued) == 2 and report.notices == 3
    assert {to for _, to, _ in report.queued} == {DP_NCL, DP_NOTTS}
    assert jobs.run("stale-reminders", NOW).queued == []
