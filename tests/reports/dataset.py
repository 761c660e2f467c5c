"""The reporting fixture: reviews created through the review services, with figures worked out by hand.

All dates are in 2020-2023 (NOW is 25 November 2026). London is Y56 (North Central London QMJ: 93C; South
East London QKK: 72Q); Midlands Y60 (Nottingham and Nottinghamshire QT1: 52R, and 02Q Bassetlaw since July
2022); North East and Yorkshire Y63 (South Yorkshire QF7: 02P; 02Q Bassetlaw until June 2022).

name  type        org  added       how it ends                                   themes
O1    SAR         93C  2020-11-02  public 2021-12-15 (closed 15 Dec 2021)        CA_NEGLECT
L10   SAR         93C  2021-04-20  signed off 2021-11-01, never published: open  CA_FINANCIAL
L1    SAR         93C  2021-05-10  public 2021-10-15                             CA_NEGLECT, CA_SELF_NEGLECT
L2    DHR         93C  2021-10-04  embargoed 2021-11-20 (review 2022-06-01)       CA_DOMESTIC, TH_MENTAL_HEALTH; media
L3    CSPR        72Q  2021-11-15  open (timeline update 2021-12-20)             WT_NEGLECT, TH_MENTAL_HEALTH; media
L4    SAR (disc.) 93C  2022-03-31  public 2022-04-01 (spans the year boundary)   CA_SELF_NEGLECT
L5    DHR         93C  2022-04-01  open                                          CA_DOMESTIC
L6    RAPID       93C  2021-10-04  notified 2021-10-01 (Fri), decided 2021-10-22 -> CSPR (15 working days); media
L6c   CSPR        93C  2021-10-22  (L6's new review) open                        as L6; media
L7    RAPID       93C  2021-11-01  notified 2021-11-01 (Mon), decided 2021-11-12 no further review (9 w.d.)
L8    RAPID       72Q  2021-12-21  notified 2021-12-20, decided 2022-01-14 -> SAR (16 working days: the
                                   27 and 28 Dec 2021 and 3 Jan 2022 bank holidays are skipped)
L8c   SAR         72Q  2022-01-14  (L8's new review) open
L9    RAPID       93C  2021-12-01  notified 2021-12-01, never decided: open      WT_NEGLECT, TH_SUDI
B1    SAR         02Q  2021-06-01  open (recorded QF7 / Y63; today QT1 / Y60)     CA_SELF_NEGLECT
B2    CSPR        02Q  2022-08-01  open (recorded QT1 / Y60)                     WT_NEGLECT
M1    DHR         52R  2021-10-20  open; media                                   CA_DOMESTIC
M2    RAPID       52R  2021-11-03  notified 2021-11-03, decided 2021-11-24 -> DHR (15 working days)
M2c   DHR         52R  2021-11-24  (M2's new review) open
N1    SAR         02P  2021-07-01  open                                          CA_NEGLECT
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from app.orgs.scope import scope_for_code
from app.people.actor import system_actor
from app.reviews.actions import decide_rapid_review
from app.reviews.models import Review
from app.reviews.timeline import add_update
from app.reviews.types import RapidOutcome
from tests.support.reviews import NOW, make_review

D = date
NAMES = ("O1", "L10", "L1", "L2", "L3", "L4", "L5", "L6", "L6c", "L7", "L8", "L8c", "L9", "B1", "B2", "M1", "M2",
         "M2c", "N1")


def _decide(session: Session, review: Review, outcome: RapidOutcome, on: date, identifier: str) -> Review | None:
    actor = system_actor(scope_for_code(session, "ENG"), name="test-factory")
    created = decide_rapid_review(session, review=review, outcome=outcome, decision_date=on, actor=actor, now=NOW,
                                  expected_version=None, new_local_identifier=identifier)
    session.commit()
    return created


def build(session: Session) -> dict[str, Review]:
    """Create the fixture reviews; returns them by name."""
    r: dict[str, Review] = {}
    r["O1"] = make_review(session, local_identifier="RPT-O1", review_type="SAR_MANDATORY", organisation_code="93C",
                          date_added=D(2020, 11, 2), incident_date=D(2020, 10, 1), themes=["CA_NEGLECT"],
                          signed_off_date=D(2021, 11, 30), publication_status="public",
                          publication_date=D(2021, 12, 15), report_url="https://example.org/o1",
                          learning_1="Escalate disagreements about risk.", recommendations="=Review the policy")
    r["L10"] = make_review(session, local_identifier="RPT-L10", organisation_code="93C", date_added=D(2021, 4, 20),
                           incident_date=D(2021, 3, 1), themes=["CA_FINANCIAL"], signed_off_date=D(2021, 11, 1))
    r["L1"] = make_review(session, local_identifier="RPT-L1", organisation_code="93C", date_added=D(2021, 5, 10),
                          incident_date=D(2021, 4, 1), themes=["CA_NEGLECT", "CA_SELF_NEGLECT"],
                          signed_off_date=D(2021, 9, 1), publication_status="public",
                          publication_date=D(2021, 10, 15), report_url="https://example.org/l1",
                          learning_1="Share information earlier.", learning_2="Assess capacity at each contact.",
                          recommendations="Agencies to adopt a joint escalation protocol.")
    r["L2"] = make_review(session, local_identifier="RPT-L2", review_type="DHR", organisation_code="93C",
                          date_added=D(2021, 10, 4), incident_date=D(2021, 9, 1),
                          themes=["CA_DOMESTIC", "TH_MENTAL_HEALTH"], media_interest=True,
                          signed_off_date=D(2021, 11, 20), publication_status="embargoed",
                          embargo_review_date=D(2022, 6, 1), learning_1="Routine enquiry about domestic abuse.")
    r["L3"] = make_review(session, local_identifier="RPT-L3", review_type="CSPR", organisation_code="72Q",
                          date_added=D(2021, 11, 15), incident_date=D(2021, 10, 1),
                          themes=["WT_NEGLECT", "TH_MENTAL_HEALTH"], media_interest=True)
    actor = system_actor(scope_for_code(session, "ENG"), name="test-factory")
    add_update(session, review=r["L3"], text="Panel met; chronology requested.", entry_date=D(2021, 12, 20),
               actor=actor, now=NOW, expected_version=None)
    session.commit()
    r["L4"] = make_review(session, local_identifier="RPT-L4", review_type="SAR_DISCRETIONARY", organisation_code="93C",
                          date_added=D(2022, 3, 31), incident_date=D(2022, 2, 1), themes=["CA_SELF_NEGLECT"],
                          signed_off_date=D(2022, 4, 1), publication_status="public", publication_date=D(2022, 4, 1),
                          report_url="https://example.org/l4")
    r["L5"] = make_review(session, local_identifier="RPT-L5", review_type="DHR", organisation_code="93C",
                          date_added=D(2022, 4, 1), incident_date=D(2022, 3, 1), themes=["CA_DOMESTIC"])
    r["L6"] = make_review(session, local_identifier="RPT-L6", review_type="RAPID", organisation_code="93C",
                          date_added=D(2021, 10, 4), incident_date=D(2021, 9, 28), notification_date=D(2021, 10, 1),
                          themes=["WT_PHYSICAL", "TH_NAI_INFANT"], media_interest=True)
    r["L6c"] = _decide(session, r["L6"], RapidOutcome.CSPR, D(2021, 10, 22), "RPT-L6c")
    r["L7"] = make_review(session, local_identifier="RPT-L7", review_type="RAPID", organisation_code="93C",
                          date_added=D(2021, 11, 1), incident_date=D(2021, 10, 30), notification_date=D(2021, 11, 1),
                          themes=["WT_NEGLECT"])
    _decide(session, r["L7"], RapidOutcome.NO_FURTHER_REVIEW, D(2021, 11, 12), "unused")
    r["L8"] = make_review(session, local_identifier="RPT-L8", review_type="RAPID", organisation_code="72Q",
                          date_added=D(2021, 12, 21), incident_date=D(2021, 12, 18), notification_date=D(2021, 12, 20),
                          themes=["WT_SEXUAL", "TH_ONLINE_ABUSE", "TH_MENTAL_HEALTH"])
    r["L8c"] = _decide(session, r["L8"], RapidOutcome.SAR, D(2022, 1, 14), "RPT-L8c")
    r["L9"] = make_review(session, local_identifier="RPT-L9", review_type="RAPID", organisation_code="93C",
                          date_added=D(2021, 12, 1), incident_date=D(2021, 11, 29), notification_date=D(2021, 12, 1),
                          themes=["WT_NEGLECT", "TH_SUDI"])
    r["B1"] = make_review(session, local_identifier="RPT-B1", organisation_code="02Q", date_added=D(2021, 6, 1),
                          incident_date=D(2021, 5, 1), themes=["CA_SELF_NEGLECT"])
    r["B2"] = make_review(session, local_identifier="RPT-B2", review_type="CSPR", organisation_code="02Q",
                          date_added=D(2022, 8, 1), incident_date=D(2022, 7, 1), themes=["WT_NEGLECT"])
    r["M1"] = make_review(session, local_identifier="RPT-M1", review_type="DHR", organisation_code="52R",
                          date_added=D(2021, 10, 20), incident_date=D(2021, 10, 1), themes=["CA_DOMESTIC"],
                          media_interest=True)
    r["M2"] = make_review(session, local_identifier="RPT-M2", review_type="RAPID", organisation_code="52R",
                          date_added=D(2021, 11, 3), incident_date=D(2021, 11, 1), notification_date=D(2021, 11, 3),
                          themes=["WT_PHYSICAL"])
    r["M2c"] = _decide(session, r["M2"], RapidOutcome.DHR, D(2021, 11, 24), "RPT-M2c")
    r["N1"] = make_review(session, local_identifier="RPT-N1", organisation_code="02P", date_added=D(2021, 7, 1),
                          incident_date=D(2021, 6, 1), themes=["CA_NEGLECT"])
    return r
