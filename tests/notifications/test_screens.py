"""What users see and steer: the profile (digests on/off, audited), the outbox screen with retry, the review
page's notification plan, and the `flask workflows` commands."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.notifications.models import OutboxMessage
from app.notifications.outbox import Email, enqueue
from app.people.models import User
from tests.notifications import dataset
from tests.support.web import page_token, sign_in

NOW = dataset.NOW


def user(session, email: str) -> User:
    session.expire_all()
    return session.scalar(select(User).where(User.email == email))


def test_a_user_turns_their_digests_off_and_still_gets_chasers(client, session, jobs, smtp):
    dataset.build(session)
    sign_in(client, "dp_ncl")
    page = client.get("/admin/profile/").get_data(as_text=True)
    assert "Digests are on." in page and "cannot be turned off" in page
    token = page_token(client, "/admin/profile/")
    response = client.post("/admin/profile/digests/", data={"csrf_token": token})  # checkbox unticked
    assert response.status_code == 302
    assert user(session, "dp.ncl@example.com").digests_enabled is False
    assert user(session, "dp.notts@example.com").digests_enabled is True
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "user.digests"))
    assert event.actor_email == "dp.ncl@example.com" and event.changes == {"digests_enabled": [True, False]}
    assert "Digests are off." in client.get("/admin/profile/").get_data(as_text=True)
    weekly = [to for _, to, _ in jobs.run("weekly-digest", NOW).queued]
    chasers = [to for _, to, _ in jobs.run("chasers", NOW).queued]
    reminders = [to for _, to, _ in jobs.run("stale-reminders", NOW).queued]
    assert "dp.ncl@example.com" not in weekly and "dp.notts@example.com" in weekly
    assert "dp.ncl@example.com" in chasers and "dp.ncl@example.com" in reminders


def test_every_role_has_a_profile_and_a_bad_token_changes_nothing(app, client, session, accounts):
    for name in accounts:
        client = app.test_client()
        sign_in(client, name)
        assert client.get("/admin/profile/").status_code == 200, name
    before = user(session, "viewer.national@example.com").digests_enabled
    assert client.post("/admin/profile/digests/", data={"csrf_token": "forged"}).status_code == 400
    assert user(session, "viewer.national@example.com").digests_enabled == before


def test_national_admin_sees_the_outbox_filters_it_and_retries_a_failed_email(app, client, session):
    failed = enqueue(session, dedup_key="t:failed", email=Email("chaser", "a@example.com", None, "Failed one", "t",
                                                                  "h"), now=NOW)
    sent = enqueue(session, dedup_key="t:sent", email=Email("digest_weekly", "b@example.com", None, "Sent one", "t",
                                                              "h"), now=NOW)
    session.get(OutboxMessage, failed).status, session.get(OutboxMessage, failed).attempts = "failed", 6
    session.get(OutboxMessage, failed).last_error = "SMTPRecipientsRefused: 550 no such user"
    session.get(OutboxMessage, sent).status = "sent"
    session.commit()
    sign_in(client, "national")
    listing = client.get("/admin/outbox/").get_data(as_text=True)
    assert listing.index("Sent one") < listing.index("Failed one")  # newest first
    assert re.search(r'name="flt\d+_status_equals"', listing)  # the filter panel offers Status
    only_failed = client.get("/admin/outbox/?flt0_status_equals=failed").get_data(as_text=True)
    assert "Failed one" in only_failed and "Sent one" not in only_failed
    details = client.get(f"/admin/outbox/details/?id={failed}").get_data(as_text=True)
    assert "Retry this email" in details and "550 no such user" in details
    token = page_token(client, f"/admin/outbox/details/?id={failed}")
    assert client.post("/admin/outbox/retry/", data={"csrf_token": token, "id": sent}).status_code == 302
    assert client.post("/admin/outbox/retry/", data={"csrf_token": token, "id": failed}).status_code == 302
    session.expire_all()
    assert (session.get(OutboxMessage, failed).status, session.get(OutboxMessage, failed).attempts) == ("pending", 0)
    assert session.get(OutboxMessage, sent).status == "sent"
    assert session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "outbox.retry")) == 1
    assert client.get("/admin/outbox/retry/").status_code == 405
    client = app.test_client()
    sign_in(client, "lead_london")
    assert client.get("/admin/outbox/").status_code == 403
    assert client.post("/admin/outbox/retry/", data={"csrf_token": token, "id": failed}).status_code in (400, 403)


def test_the_review_page_says_who_is_notified_and_lists_emails_sent(client, session, jobs, smtp):
    reviews = dataset.build(session)
    rid = reviews["stale_ncl"].id
    sign_in(client, "dp_ncl")
    page = client.get(f"/admin/review/details/?id={rid}").get_data(as_text=True)
    plan = page.split('id="notification-plan"')[1].split("</table>")[0]
    assert "Stale-review reminder" in plan and "dp.ncl@example.com" in plan
    assert "Escalation after 2 unanswered reminders" in plan and "lead.london@example.com" in plan
    assert "Monthly and quarterly digests" in plan and "national@example.com" in plan
    assert "None yet" in page.split('id="notification-sent"')[1]
    jobs.run("stale-reminders", NOW)
    page = client.get(f"/admin/review/details/?id={rid}").get_data(as_text=True)
    sent = page.split('id="notification-sent"')[1].split("</table>")[0]
    assert "Reminder: 2 reviews need an update" in sent and "dp.ncl@example.com" in sent and "pending" in sent


def test_workflows_run_and_preview_digest_commands(app, session, smtp):
    dataset.build(session)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["workflows", "run", "stale-reminders", "--today", "2026-11-25"])
    assert result.exit_code == 0, result.output
    assert "stale-reminders: queued 2 email(s)" in result.output and "to dp.ncl@example.com" in result.output
    result = runner.invoke(args=["workflows", "run", "relay"])
    assert "relay: sent 2" in result.output and len(smtp.wait_for(2)) == 2
    before = session.scalar(select(func.count(OutboxMessage.id)))
    result = runner.invoke(args=["workflows", "preview-digest", "--user", "lead.london@example.com", "--kind",
                                 "monthly", "--period", "2026-10", "--today", "2026-11-25"])
    assert result.exit_code == 0, result.output
    assert "Subject: Monthly digest for London, October 2026: 1 new, 0 closed or converted, 6 open" in result.output
    assert "Attachment: monthly-digest-y56-2026-10.csv (6 rows)" in result.output
    session.expire_all()
    assert session.scalar(select(func.count(OutboxMessage.id))) == before
    bad = runner.invoke(args=["workflows", "preview-digest", "--user", "lead.london@example.com", "--kind",
                              "quarterly", "--period", "2026-Q5"])
    assert bad.exit_code != 0 and "2026-Q2" in bad.output
    nobody = runner.invoke(args=["workflows", "preview-digest", "--user", "viewer.midlands@example.com", "--kind",
                                 "weekly"])
    assert nobody.exit_code != 0 and "not an active designated professional" in nobody.output
    bad_day = runner.invoke(args=["workflows", "run", "chasers", "--today", "25/11/2026"])
    assert bad_day.exit_code != 0 and "YYYY-MM-DD" in bad_day.output
