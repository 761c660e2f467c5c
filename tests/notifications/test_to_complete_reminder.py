"""A stale reminder says what an imported review still lacks, and points at the To complete worklist."""

from __future__ import annotations

from datetime import date

from app.orgs.scope import scope_for_code
from app.people.actor import system_actor
from app.reviews.planning import Tolerance
from app.reviews.service import create_review
from tests.notifications import dataset
from tests.support.reviews import review_input
from tests.support.services import by_recipient, text_of


def test_the_stale_reminder_names_what_is_still_to_complete(session, jobs, smtp):
    actor = system_actor(scope_for_code(session, "ENG"), name="import (test)")
    data = review_input(local_identifier="NCL-TC-STALE", date_added=date(2026, 8, 3), incident_date=None,
                        review_type="RAPID", themes=["WT_NEGLECT"])
    create_review(session, data=data, actor=actor, now=dataset.NOW, tolerate=Tolerance())
    session.commit()
    jobs.run("stale-reminders", dataset.NOW)
    jobs.deliver()
    smtp.wait_for(1, timeout=10)
    text = text_of(by_recipient(smtp)["dp.ncl@example.com"][0])
    assert "NCL-TC-STALE" in text and "Still to complete (see To complete): Notification date" in text
