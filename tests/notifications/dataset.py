"""A small, fixed data set for the notification jobs, with what each job must send on 2026-11-25.

Test accounts (tests/support/accounts.py): dp_ncl covers QMJ (93C), dp_notts covers QT1 (52R, 02Q),
dp_bassetlaw covers 02Q only, lead_london Y56, lead_midlands Y60, national ENG.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy.orm import Session

from app.orgs.scope import scope_for_code
from app.people.actor import system_actor
from app.reviews.models import Review
from app.reviews.timeline import add_update
from tests.support.reviews import make_review

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)  # Wednesday 25 November 2026, 10:00 in London


def update(session: Session, review: Review, on: date, now: datetime = NOW) -> None:
    """Add a timeline entry dated `on` (written at `now`)."""
    actor = system_actor(scope_for_code(session, "ENG"), name="test-timeline")
    add_update(session, review=review, text="Chronology requested from agencies.", entry_date=on, actor=actor,
               now=now, expected_version=None)
    session.commit()


def build(session: Session) -> dict[str, Review]:
    """The reviews, by name."""
    r = {}
    r["stale_ncl"] = make_review(session, local_identifier="NCL-STALE-1", date_added=date(2026, 9, 1))
    r["stale_ncl_2"] = make_review(session, local_identifier="NCL-STALE-2", review_type="DHR",
                                   date_added=date(2026, 8, 3), incident_date=date(2026, 7, 1))
    update(session, r["stale_ncl_2"], date(2026, 10, 1))
    r["fresh_ncl"] = make_review(session, local_identifier="NCL-FRESH-1", review_type="DHR",
                                 date_added=date(2026, 10, 1), incident_date=date(2026, 9, 1))
    update(session, r["fresh_ncl"], date(2026, 11, 20))
    r["stale_notts"] = make_review(session, local_identifier="NOTTS-STALE-1", organisation_code="52R",
                                   date_added=date(2026, 9, 1))
    r["snoozed_ncl"] = make_review(session, local_identifier="NCL-SNOOZED-1", date_added=date(2026, 9, 1))
    r["snoozed_ncl"].snoozed_until, r["snoozed_ncl"].snooze_reason = date(2026, 12, 10), "Awaiting inquest"
    r["rapid_ncl"] = make_review(session, local_identifier="NCL-RR-1", review_type="RAPID",
                                 date_added=date(2026, 11, 20), notification_date=date(2026, 11, 20),
                                 incident_date=date(2026, 11, 18), themes=["WT_SEXUAL"])
    r["sign_off_ncl"] = make_review(session, local_identifier="NCL-SIGNOFF-1", review_type="DHR",
                                    date_added=date(2026, 3, 2), incident_date=date(2026, 2, 1))
    update(session, r["sign_off_ncl"], date(2026, 11, 10))
    r["publication_ncl"] = make_review(session, local_identifier="NCL-PUB-1", date_added=date(2026, 2, 2),
                                       signed_off_date=date(2026, 9, 1))
    update(session, r["publication_ncl"], date(2026, 11, 15))
    session.commit()
    return r
