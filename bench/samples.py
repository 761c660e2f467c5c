"""The app a benchmark measures, and the sample rows its scenarios use."""

from __future__ import annotations

import time
from datetime import date


def app_for(url: str):
    """The app on a benchmark database: test settings, no two-factor step for the bench accounts (sign-in is not
    what is measured), warnings-only logs (a request line per call would swamp the output), and dashboard figures
    kept for 5 minutes as in production (bench/jobs.py measures computing them)."""
    from app.factory import create_app

    return create_app("test", {"SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_TIME_LIMIT": None,
                               "TWO_FACTOR_REQUIRED_ROLES": (), "LOG_LEVEL": "WARNING",
                               "DASHBOARD_MAX_AGE_SECONDS": 300})


def edit_target(app) -> int:
    """A review created through the service for the edit scenario (its identifier is what the scenario posts)."""
    from app.extensions import db
    from app.orgs.scope import scope_for_code
    from app.people.actor import system_actor
    from app.reviews.rules import ReviewInput
    from app.reviews.service import create_review
    from app.types import utcnow

    with app.app_context():
        review = create_review(db.session, actor=system_actor(scope_for_code(db.session, "ENG"), "bench"),
                               now=utcnow(), data=ReviewInput(
                                   review_type="DHR", organisation_code="02Q", date_added=date(2026, 6, 1),
                                   incident_date=date(2026, 5, 20), dp_initials="BM",
                                   local_identifier=f"BENCH-EDIT-{int(time.time() * 1000)}",
                                   themes=["CA_DOMESTIC"], overview="Created for the edit benchmark."))
        db.session.commit()
        rid = review.id
        review.local_identifier = f"BENCH-EDIT-{rid}"
        db.session.commit()
        return rid


def sample(app) -> tuple[int, str]:
    """A review from the middle of the data set, and its identifier (the search scenario looks for it)."""
    from sqlalchemy import func, select

    from app.extensions import db
    from app.reviews.models import Review

    with app.app_context():
        top = db.session.scalar(select(func.max(Review.id))) or 1
        review = db.session.get(Review, max(1, top // 2))
        return review.id, review.identifier
