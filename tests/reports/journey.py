"""A regional lead's journey: reviews placed in LAST quarter (relative to the real today), figures by hand.

q = the last complete NHS financial-year quarter; every date is an offset from its first day, so the counts
below hold whichever quarter that is.

A  SAR    93C  added q.start - 40, signed off q.start + 5, published q.start + 10: open at start, closes in q
B  DHR    72Q  added q.start + 3, open, media interest
C  RAPID  93C  notified and added q.start + 14, decided q.start + 30: converts to CSPR (Cc, added q.start + 30)
D  RAPID  93C  notified and added q.start + 20, decided q.start + 40: no further review
E  DHR    52R  added q.start + 5 (Midlands: outside the London lead's scope, never counted)
F  SAR    93C  added q.end + 1 (this quarter: not in last quarter's report)
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from app.orgs.scope import scope_for_code
from app.people.actor import system_actor
from app.reports.periods import QUARTER, Period, last_complete
from app.reviews.actions import decide_rapid_review
from app.reviews.types import RapidOutcome
from app.timezone import london_today
from app.types import utcnow
from tests.support.reviews import make_review

# Last quarter, London (Y56), as recorded: (open at start, opened, reopened, closed or converted, open at end).
FLOW = {"SAR": (1, 0, 0, 1, 0), "DHR": (0, 1, 0, 0, 1), "CSPR": (0, 1, 0, 0, 1), "Rapid Review": (0, 2, 0, 2, 0),
        "Total": (1, 4, 0, 3, 2)}
RAPID = {"Rapid reviews added in the period": 2, "Rapid reviews decided in the period": 2,
         "Converted to a Child Safeguarding Practice Review (CSPR)": 1, "No further review": 1,
         "Conversion rate (% of decisions)": 50.0, "Awaiting a decision at end": 0}
OVERDUE = {"Update due (stale after no update)": 2, "Any clock (reviews with at least one overdue clock)": 2,
           "Rapid review due": 0, "Sign-off expected": 0}  # B and Cc: no update for more than 28 days
OPEN_NOW = 3  # B, Cc, F


def last_quarter() -> Period:
    """The last complete quarter on the real today."""
    return last_complete(QUARTER, london_today(utcnow()))


def build(session: Session) -> Period:
    """Create the journey's reviews; returns the quarter they are placed in."""
    q = last_quarter()
    now = utcnow()
    s = q.start

    def day(n: int):
        return s + timedelta(days=n)

    make_review(session, now=now, local_identifier="JRN-A", organisation_code="93C", date_added=day(-40),
                incident_date=day(-60), themes=["CA_NEGLECT"], signed_off_date=day(5), publication_status="public",
                publication_date=day(10), report_url="https://example.org/a", learning_1="Journey learning.")
    make_review(session, now=now, local_identifier="JRN-B", review_type="DHR", organisation_code="72Q",
                date_added=day(3), incident_date=day(0), themes=["CA_DOMESTIC"], media_interest=True)
    actor = system_actor(scope_for_code(session, "ENG"), name="journey")
    decisions = (("C", 14, 30, RapidOutcome.CSPR), ("D", 20, 40, RapidOutcome.NO_FURTHER_REVIEW))
    for name, added, decided, outcome in decisions:
        rapid = make_review(session, now=now, local_identifier=f"JRN-{name}", review_type="RAPID",
                            organisation_code="93C", date_added=day(added), incident_date=day(added),
                            notification_date=day(added), themes=["WT_NEGLECT"])
        decide_rapid_review(session, review=rapid, outcome=outcome, decision_date=day(decided), actor=actor, now=now,
                            expected_version=None, new_local_identifier=f"JRN-{name}c")
        session.commit()
    make_review(session, now=now, local_identifier="JRN-E", review_type="DHR", organisation_code="52R",
                date_added=day(5), incident_date=day(0), themes=["CA_DOMESTIC"])
    make_review(session, now=now, local_identifier="JRN-F", organisation_code="93C", date_added=q.end + timedelta(1),
                incident_date=day(0), themes=["CA_NEGLECT"])
    return q
