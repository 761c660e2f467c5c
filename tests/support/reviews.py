"""Making reviews in tests through the real service (every rule applies)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy.orm import Session

from app.orgs.scope import scope_for_code
from app.people.actor import system_actor
from app.reviews.models import Review
from app.reviews.rules import ReviewInput
from app.reviews.service import create_review

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
_counter = iter(range(1, 10**9))


def review_input(**overrides) -> ReviewInput:
    """A valid SAR in North Central London (93C), overridable field by field."""
    values = {
        "review_type": "SAR_MANDATORY",
        "date_added": date(2025, 6, 2),
        "incident_date": date(2025, 5, 1),
        "organisation_code": "93C",
        "dp_initials": "AB",
        "local_identifier": f"SAR-TEST-{next(_counter):05d}",
        "overview": "Agencies did not share information about escalating risk.",
        "themes": ["CA_NEGLECT"],
    }
    values.update(overrides)
    return ReviewInput(**values)


def make_review(session: Session, *, now: datetime = NOW, **overrides) -> Review:
    """Create and commit a review as a national system actor."""
    actor = system_actor(scope_for_code(session, "ENG"), name="test-factory")
    review = create_review(session, data=review_input(**overrides), actor=actor, now=now)
    session.commit()
    return review
