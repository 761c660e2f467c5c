"""Making reviews in tests through the real service (every rule applies)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy.orm import Session

from app.orgs.models import Partnership
from app.orgs.scope import scope_for_code
from app.people.actor import system_actor
from app.reviews.models import Review
from app.reviews.rules import ReviewInput
from app.reviews.service import create_review
from app.reviews.types import COMMISSIONING_KIND, ReviewType

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
_counter = iter(range(1, 10**9))


# One partnership of each kind offered to everyone (no ICB), with fixed ids, in the test template database.
TEST_PARTNERSHIPS = {"SAB": (9001, "Test Safeguarding Adults Board"),
                     "LSCP": (9002, "Test Safeguarding Children Partnership"),
                     "CSP": (9003, "Test Community Safety Partnership")}


def add_test_partnerships(session: Session) -> None:
    """Add the test partnerships (the template database has them)."""
    for kind, (pid, name) in TEST_PARTNERSHIPS.items():
        session.add(Partnership(id=pid, name=name, kind=kind, icb_code=None, active=True))
    session.flush()


def partnership_for(review_type: str) -> int:
    """The id of the test partnership of the kind that commissions a review type."""
    kind = COMMISSIONING_KIND.get(ReviewType(review_type), "SAB")
    return TEST_PARTNERSHIPS[kind][0]


def review_input(**overrides) -> ReviewInput:
    """A valid SAR in North Central London (93C), overridable field by field (the partnership follows the type)."""
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
    if "partnership_id" not in overrides and values.get("review_type") in ReviewType.__members__:
        values["partnership_id"] = partnership_for(values["review_type"])
    return ReviewInput(**values)


def make_review(session: Session, *, now: datetime = NOW, **overrides) -> Review:
    """Create and commit a review as a national system actor."""
    actor = system_actor(scope_for_code(session, "ENG"), name="test-factory")
    review = create_review(session, data=review_input(**overrides), actor=actor, now=now)
    session.commit()
    return review
