"""Update timeline, append-only audit trail, and no lost updates."""

from datetime import date

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError

from app.audit.models import AuditEvent, AuditImmutableError
from app.orgs.scope import scope_for_code
from app.people.actor import Actor, NotAllowed
from app.reviews import actions
from app.reviews.service import EditConflict, ReviewRejected, input_from_review, update_review
from app.reviews.timeline import add_update, timeline
from app.reviews.types import RapidOutcome
from tests.support.reviews import NOW, make_review


def dp(session, email="dp.ncl@example.com"):
    return Actor(user_id=None, email=email, role="designated_professional", scope=scope_for_code(session, "QMJ"))


def test_the_newest_timeline_entry_is_the_latest_update(session):
    review = make_review(session)
    add_update(session, review=review, text="Chronologies requested.", entry_date=date(2026, 1, 10),
               actor=dp(session), now=NOW, expected_version=review.version)
    add_update(session, review=review, text="Panel met.", entry_date=date(2026, 2, 10), actor=dp(session), now=NOW,
               expected_version=review.version)
    add_update(session, review=review, text="Late note about January.", entry_date=date(2026, 1, 20),
               actor=dp(session), now=NOW, expected_version=review.version)
    session.commit()
    assert review.latest_update.text == "Panel met." and review.latest_update_on == date(2026, 2, 10)
    assert [u.text for u in timeline(session, review, actor=dp(session))] == ["Panel met.", "Late note about January.",
                                                           "Chronologies requested."]


@pytest.mark.parametrize(("text", "entry", "words"), [
    ("", date(2026, 1, 1), "Update text is required"),
    ("Fine", date(2026, 12, 1), "cannot be in the future"),
    ("Fine", date(2025, 1, 1), "before the date the review was added"),
])
def test_timeline_entry_rules(session, text, entry, words):
    review = make_review(session)
    with pytest.raises(ReviewRejected) as refused:
        add_update(session, review=review, text=text, entry_date=entry, actor=dp(session), now=NOW,
                   expected_version=review.version)
    assert words in " ".join(v.message for v in refused.value.violations)


def test_a_viewer_cannot_post_and_a_regional_lead_can(session):
    review = make_review(session)
    viewer = Actor(user_id=None, email="v@example.com", role="viewer", scope=scope_for_code(session, "Y56"))
    with pytest.raises(NotAllowed):
        add_update(session, review=review, text="x", entry_date=None, actor=viewer, now=NOW, expected_version=None)
    lead = Actor(user_id=None, email="l@example.com", role="regional_lead", scope=scope_for_code(session, "Y56"))
    add_update(session, review=review, text="Regional lead asked for a date.", entry_date=None, actor=lead, now=NOW,
               expected_version=None)
    assert review.latest_update.author_label == "l@example.com"


def test_every_edit_is_audited_field_by_field(session):
    review = make_review(session)
    data = input_from_review(review)
    data.overview, data.media_interest, data.themes = "New overview text.", True, ["CA_NEGLECT", "TH_SUICIDE"]
    update_review(session, review=review, expected_version=review.version, data=data, actor=dp(session), now=NOW)
    session.commit()
    events = session.scalars(select(AuditEvent).where(AuditEvent.review_id == review.id).order_by(AuditEvent.id)).all()
    assert [e.action for e in events] == ["review.create", "review.edit"]
    assert events[0].changes["local_identifier"][0] is None
    assert events[1].changes == {
        "overview": ["Agencies did not share information about escalating risk.", "New overview text."],
        "media_interest": [False, True],
        "themes": [["CA_NEGLECT"], ["CA_NEGLECT", "TH_SUICIDE"]],
    }
    assert events[1].actor_email == "dp.ncl@example.com" and events[1].occurred_at.tzinfo is not None


def test_saving_without_changes_writes_nothing(session):
    review = make_review(session)
    version = review.version
    update_review(session, review=review, expected_version=version, data=input_from_review(review), actor=dp(session),
                  now=NOW)
    session.commit()
    assert review.version == version
    assert session.scalar(select(AuditEvent.id).where(AuditEvent.action == "review.edit")) is None


def test_the_app_refuses_to_change_or_delete_audit_rows(session):
    make_review(session)
    event = session.scalars(select(AuditEvent)).first()
    event.detail = "tampered"
    with pytest.raises(AuditImmutableError):
        session.flush()
    session.rollback()
    session.delete(session.scalars(select(AuditEvent)).first())
    with pytest.raises(AuditImmutableError):
        session.flush()
    session.rollback()


def test_the_database_refuses_to_change_or_delete_audit_rows(session):
    make_review(session)
    for statement in ("UPDATE audit_event SET detail = 'tampered'", "DELETE FROM audit_event"):
        with pytest.raises(DatabaseError, match="append-only"):
            session.execute(text(statement))
        session.rollback()
    assert session.scalar(text("SELECT count(*) FROM audit_event WHERE detail = 'tampered'")) == 0


def test_second_save_of_a_stale_version_is_refused_and_shows_what_changed(session):
    review = make_review(session)
    opened = review.version
    first = input_from_review(review)
    first.overview = "First person's overview."
    update_review(session, review=review, expected_version=opened, data=first, actor=dp(session, "a@example.com"),
                  now=NOW)
    session.commit()
    second = input_from_review(review)
    second.overview, second.dp_initials = "Second person's overview.", "ZZ"
    with pytest.raises(EditConflict) as conflict:
        update_review(session, review=review, expected_version=opened, data=second,
                      actor=dp(session, "b@example.com"), now=NOW)
    session.rollback()
    assert "a@example.com" in str(conflict.value)
    assert [(c.field, c.theirs, c.yours) for c in conflict.value.changed] == [
        ("overview", "First person's overview.", "Second person's overview.")]
    assert session.get(type(review), review.id).overview == "First person's overview."


def test_timeline_and_status_actions_also_refuse_stale_versions(session):
    review = make_review(session, review_type="RAPID", notification_date=date(2026, 10, 1),
                         date_added=date(2026, 10, 2), incident_date=None)
    opened = review.version
    add_update(session, review=review, text="Meeting held.", entry_date=None, actor=dp(session), now=NOW,
               expected_version=opened)
    session.commit()
    with pytest.raises(EditConflict):
        add_update(session, review=review, text="Another.", entry_date=None, actor=dp(session), now=NOW,
                   expected_version=opened)

    with pytest.raises(EditConflict):
        actions.decide_rapid_review(session, review=review, outcome=RapidOutcome.CSPR, decision_date=date(2026, 10, 9),
                                    actor=dp(session), now=NOW, expected_version=opened)
    session.rollback()
    assert review.status == "open" and len(timeline(session, review, actor=dp(session))) == 1
