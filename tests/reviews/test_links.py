"""Joint and linked reviews: linked both ways, shown on both pages cut to scope, a duplicate warning on entry."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.orgs.scope import scope_for_code
from app.people.actor import Actor, NotAllowed
from app.reviews.links import LinkRefused, duplicate_warnings, link_reviews, linked_reviews, unlink_reviews
from app.reviews.models import Review
from tests.support.reviews import NOW, TEST_PARTNERSHIPS, make_review
from tests.support.web import page_token, sign_in

CSP = TEST_PARTNERSHIPS["CSP"][0]


def actor(session, scope="ENG", role="national_admin") -> Actor:
    return Actor(user_id=None, email=f"{role}@example.com", role=role, scope=scope_for_code(session, scope))


@pytest.fixture
def joint(session):
    """A SAR and a DHR of one incident in Camden (93C), and a cross-border DHR in Nottingham (52R)."""
    sar = make_review(session, local_identifier="JOINT-SAR", incident_date=date(2025, 5, 1))
    dhr = make_review(session, local_identifier="JOINT-DHR", review_type="DHR", incident_date=date(2025, 5, 1))
    notts = make_review(session, local_identifier="JOINT-NOTTS", review_type="DHR", organisation_code="52R",
                        incident_date=date(2025, 5, 1))
    return sar, dhr, notts


def test_linked_both_ways_audited_and_refused_twice_or_to_itself(session, joint):
    sar, dhr, _ = joint
    link_reviews(session, review=sar, other=dhr, reason="joint", actor=actor(session), now=NOW)
    session.commit()
    scope = scope_for_code(session, "ENG")
    assert [r.id for r, _ in linked_reviews(session, sar, scope).visible] == [dhr.id]
    assert [r.id for r, _ in linked_reviews(session, dhr, scope).visible] == [sar.id]
    events = session.scalars(select(AuditEvent.review_id).where(AuditEvent.action == "review.link")).all()
    assert sorted(events) == sorted([sar.id, dhr.id])
    with pytest.raises(LinkRefused, match="already linked"):
        link_reviews(session, review=dhr, other=sar, reason="joint", actor=actor(session), now=NOW)
    with pytest.raises(LinkRefused, match="itself"):
        link_reviews(session, review=sar, other=sar, reason="joint", actor=actor(session), now=NOW)
    unlink_reviews(session, review=dhr, other=sar, actor=actor(session), now=NOW)
    assert linked_reviews(session, sar, scope).visible == []


def test_a_link_needs_both_reviews_in_scope_and_an_out_of_scope_one_is_only_counted(session, joint):
    sar, _dhr, notts = joint
    with pytest.raises(NotAllowed):
        link_reviews(session, review=sar, other=notts, reason="cross_border",
                     actor=actor(session, "QMJ", "designated_professional"), now=NOW)
    link_reviews(session, review=sar, other=notts, reason="cross_border", actor=actor(session), now=NOW)
    session.commit()
    london = linked_reviews(session, sar, scope_for_code(session, "QMJ"))
    assert london.visible == [] and london.hidden == 1
    midlands = linked_reviews(session, notts, scope_for_code(session, "QT1"))
    assert midlands.visible == [] and midlands.hidden == 1


def test_the_review_pages_show_links_within_scope_only(client, session, joint):
    sar, dhr, notts = joint
    link_reviews(session, review=sar, other=dhr, reason="joint", actor=actor(session), now=NOW)
    link_reviews(session, review=sar, other=notts, reason="cross_border", actor=actor(session), now=NOW)
    session.commit()
    sign_in(client, "dp_ncl")
    page = client.get(f"/admin/review/details/?id={sar.id}").get_data(as_text=True)
    assert "JOINT-DHR" in page and "JOINT-NOTTS" not in page and "1 linked review outside your area" in page
    assert "JOINT-SAR" in client.get(f"/admin/review/details/?id={dhr.id}").get_data(as_text=True)


def test_linking_from_the_page_by_tracker_number(client, session, joint):
    sar, dhr, notts = joint
    sign_in(client, "dp_ncl")
    url = f"/admin/review/details/?id={sar.id}"
    token = page_token(client, url)
    client.post("/admin/review/link/", data={"csrf_token": token, "id": sar.id, "linked_review_id": dhr.id,
                                             "reason": "joint"})
    refused = client.post("/admin/review/link/", data={"csrf_token": token, "id": sar.id,
                                                       "linked_review_id": notts.id, "reason": "joint"})
    # refused: the page comes back with the message and the number the user typed
    refused_page = refused.get_data(as_text=True)
    assert "No review with that tracker number in your area" in refused_page
    assert f'value="{notts.id}"' in refused_page
    page = client.get(url).get_data(as_text=True)
    assert "JOINT-DHR" in page
    assert [r.id for r, _ in linked_reviews(session, sar, scope_for_code(session, "ENG")).visible] == [dhr.id]


def test_a_possible_duplicate_is_warned_about_within_scope(client, session, joint):
    sar, dhr, notts = joint
    warnings = duplicate_warnings(session, review=dhr, scope=scope_for_code(session, "QMJ"))
    assert len(warnings) == 1 and f"#{sar.id}" in warnings[0].message and f"#{notts.id}" not in warnings[0].message
    link_reviews(session, review=sar, other=dhr, reason="joint", actor=actor(session), now=NOW)
    session.commit()
    assert duplicate_warnings(session, review=dhr, scope=scope_for_code(session, "QMJ")) == []
    # on entry through the form
    sign_in(client, "dp_ncl")
    token = page_token(client, "/admin/review/new/")
    client.post("/admin/review/new/", data={
        "csrf_token": token, "review_type": "DHR", "organisation_code": "93C", "date_added": "2025-06-02",
        "incident_date": "2025-05-01", "dp_initials": "JK", "local_identifier": "DUP-1", "theme_1": "CA_DOMESTIC",
        "partnership_id": str(CSP)})
    created = session.scalar(select(Review).where(Review.local_identifier == "DUP-1"))
    page = client.get(f"/admin/review/details/?id={created.id}").get_data(as_text=True)
    assert "Possible duplicate" in page and f"#{sar.id}" in page
