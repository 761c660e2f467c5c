"""A review's "last edited" time is the `now` the service was given, never the host's clock (no ORM onupdate)."""

from datetime import UTC, date, datetime

import pytest

from app.extensions import db
from app.orgs.scope import scope_for_code
from app.people.actor import Actor
from app.reviews import actions, recommendations
from app.reviews.service import input_from_review, update_review
from app.reviews.timeline import add_update
from tests.support.reviews import make_review

THEN = datetime(2021, 6, 1, 9, 30, tzinfo=UTC)  # years before the host's clock, whatever day the suite runs on


def test_no_tracker_column_takes_the_wall_clock_on_update():
    # Flask-Security-Too's own frozen user and role models keep their update_datetime bookkeeping; none of ours may.
    columns = [(table.name, column.name) for table in db.metadata.tables.values() for column in table.columns
               if column.onupdate is not None and table.name not in ("app_user", "role")]
    assert columns == []


def dp(session):
    return Actor(user_id=None, email="dp.ncl@example.com", role="designated_professional",
                 scope=scope_for_code(session, "QMJ"))


@pytest.mark.parametrize("path", ["edit", "update", "snooze", "close", "recommendation"])
def test_every_change_stamps_the_services_now(session, path):
    review = make_review(session, date_added=date(2021, 4, 1), incident_date=date(2021, 3, 1), now=THEN,
                         signed_off_date=date(2021, 5, 1) if path in ("close", "recommendation") else None,
                         publication_status="public" if path == "recommendation" else None,
                         publication_date=date(2021, 5, 20) if path == "recommendation" else None)
    later = THEN.replace(day=2)
    if path == "edit":
        data = input_from_review(review)
        data.overview = "Agencies met again."
        update_review(session, review=review, expected_version=review.version, data=data, actor=dp(session), now=later)
    elif path == "update":
        add_update(session, review=review, text="Panel met.", entry_date=None, actor=dp(session), now=later,
                   expected_version=review.version)
    elif path == "snooze":
        actions.snooze_reminders(session, review=review, until=date(2021, 7, 1), reason="Court case.",
                                 actor=dp(session), now=later, expected_version=review.version)
    elif path == "close":
        data = input_from_review(review)
        data.publication_status, data.publication_date = "public", date(2021, 5, 20)
        update_review(session, review=review, expected_version=review.version, data=data, actor=dp(session), now=later)
    else:
        action = recommendations.add_action(session, review=review, recommendation="Share chronologies.",
                                            owner_organisation="NCL ICB", target_date=None, status="not started",
                                            evidence=None, actor=dp(session), now=later,
                                            expected_version=review.version)
        session.commit()
        session.expire_all()
        assert action.updated_at == later
    session.commit()
    session.expire_all()
    assert review.updated_at == later
