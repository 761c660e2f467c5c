"""The benchmark data set obeys the record's rules, and its timelines and statuses agree with the lifecycle."""

from __future__ import annotations

from sqlalchemy import func, select

from app.reviews.history import StatusInterval
from app.reviews.lifecycle import can_close, closing_date
from app.reviews.models import Review, ReviewTheme, ReviewUpdate
from app.reviews.rules import validate
from app.reviews.service import input_from_review
from app.reviews.types import ReviewStatus, ReviewType
from bench.generate import TODAY, load


def test_generated_reviews_are_valid_by_the_rules(app, session):
    figures = load(session.get_bind(), 600)
    session.expire_all()
    assert figures["review"] == 600 and figures["review_theme"] >= 600
    reviews = session.scalars(select(Review).order_by(Review.id)).all()
    assert len(reviews) == 600
    statuses = set()
    for review in reviews:
        assert validate(input_from_review(review), today=TODAY) == [], review.id
        statuses.add((review.review_type == ReviewType.RAPID, review.status))
        if review.review_type == ReviewType.RAPID:
            assert (review.status != ReviewStatus.OPEN) == (review.decision_date is not None)
            assert review.closed_on == review.decision_date
        else:
            assert (review.status == ReviewStatus.CLOSED) == can_close(review), review.id
            assert review.closed_on == (closing_date(review) if review.status == ReviewStatus.CLOSED else None)
        updates = session.scalars(select(ReviewUpdate).where(ReviewUpdate.review_id == review.id)
                                  .order_by(ReviewUpdate.entry_date.desc(), ReviewUpdate.id.desc())).all()
        assert len(updates) <= 5 and all(review.date_added <= u.entry_date <= TODAY for u in updates)
        if updates:
            assert (review.latest_update_id, review.latest_update_on) == (updates[0].id, updates[0].entry_date)
        else:
            assert review.latest_update_id is None and review.latest_update_on is None
        assert review.recorded_organisation_name and review.recorded_icb_code and review.recorded_region_code
    # every kind of review the pages and clocks care about is there
    assert {(True, "open"), (True, "closed"), (True, "converted"), (False, "open"), (False, "closed")} <= statuses
    assert any(r.signed_off_date and r.status == ReviewStatus.OPEN for r in reviews)  # awaiting publication
    assert any(r.steis_number for r in reviews)
    per_review = session.execute(select(func.count(), func.count(func.distinct(ReviewTheme.theme_code)))
                                 .group_by(ReviewTheme.review_id)).all()
    assert all(n == distinct and 1 <= n <= 3 for n, distinct in per_review)


def test_generated_reviews_have_their_status_history(app, session):
    """The reports read the status history: the generator builds it (an opening on the date added; a closing on the
    closing date, never before the date added) so report benchmarks measure real figures."""
    figures = load(session.get_bind(), 300)
    session.expire_all()
    reviews = {r.id: r for r in session.scalars(select(Review))}
    rows = session.scalars(select(StatusInterval).order_by(StatusInterval.review_id, StatusInterval.valid_from)).all()
    assert figures["history_rows"] == len(rows) == len(reviews) + sum(r.status != "open" for r in reviews.values())
    by_review: dict[int, list[StatusInterval]] = {}
    for row in rows:
        by_review.setdefault(row.review_id, []).append(row)
    for rid, review in reviews.items():
        held = by_review[rid]
        assert (held[0].change, held[0].valid_from) == ("opened", review.date_added), rid
        if review.status == ReviewStatus.OPEN:
            assert len(held) == 1 and held[0].valid_to is None, rid
        else:
            closing = max(review.closed_on, review.date_added)
            assert [(r.status, r.valid_from, r.valid_to) for r in held] == [
                ("open", review.date_added, closing), (review.status, closing, None)], rid
            assert held[1].rapid_outcome == (review.rapid_outcome if review.review_type == ReviewType.RAPID else None)
        assert all(r.known_until is None and r.review_type == review.review_type for r in held), rid
