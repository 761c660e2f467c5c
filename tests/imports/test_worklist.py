"""The To complete worklist: imported reviews that still lack a required field, each reader cut to their scope."""

from __future__ import annotations

from datetime import date

from app.orgs.scope import scope_for_code
from app.people.actor import system_actor
from app.reviews.planning import Tolerance
from app.reviews.service import create_review, input_from_review, update_review
from tests.support.reviews import NOW, review_input
from tests.support.web import sign_in


def to_complete(session, org: str, local: str):
    """A rapid review imported without its notification date or initials (as the import saves one)."""
    actor = system_actor(scope_for_code(session, "ENG"), name="import (test)")
    data = review_input(organisation_code=org, local_identifier=local, review_type="RAPID", incident_date=None,
                        themes=["WT_NEGLECT"], dp_initials=None, date_added=date(2025, 6, 2))
    review = create_review(session, data=data, actor=actor, now=NOW, tolerate=Tolerance())
    session.commit()
    return review


def test_each_reader_sees_the_reviews_to_complete_of_their_scope(client, session):
    ncl = to_complete(session, "93C", "RR-NCL-TC-1")
    notts = to_complete(session, "52R", "RR-NOTTS-TC-1")
    sign_in(client, "dp_ncl")
    page = client.get("/admin/to-complete/").get_data(as_text=True)
    assert "RR-NCL-TC-1" in page and "RR-NOTTS-TC-1" not in page and f"id={notts.id}" not in page
    assert "Notification date, Designated professional&#39;s initials" in page and "2 June 2025" in page
    assert f"/admin/review/edit/?id={ncl.id}" in page and "1 review to complete" in page
    viewer = client.application.test_client()
    sign_in(viewer, "viewer_midlands")
    page = viewer.get("/admin/to-complete/").get_data(as_text=True)
    assert "RR-NOTTS-TC-1" in page and "RR-NCL-TC-1" not in page and "/admin/review/edit/" not in page
    assert client.get("/admin/to-complete/?page=abc").status_code == 200


def test_a_completed_review_leaves_the_list(client, session):
    review = to_complete(session, "93C", "RR-NCL-TC-2")
    data = input_from_review(review)
    data.notification_date, data.dp_initials = date(2025, 6, 2), "AB"
    actor = system_actor(scope_for_code(session, "ENG"), name="form")
    update_review(session, review=review, expected_version=review.version, data=data, actor=actor, now=NOW)
    session.commit()
    sign_in(client, "dp_ncl")
    page = client.get("/admin/to-complete/").get_data(as_text=True)
    assert "RR-NCL-TC-2" not in page and "Nothing to complete in your scope." in page
