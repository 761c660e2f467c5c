"""Round trip: every review exported (CSV and XLSX) and imported into an empty database comes back the same."""

from datetime import date

import pytest
from sqlalchemy import select

from app.extensions import db
from app.orgs.models import Partnership
from app.orgs.scope import scope_for_code
from app.people.actor import system_actor
from app.reviews.actions import decide_rapid_review
from app.reviews.models import Review
from app.reviews.service import input_from_review, update_review
from app.reviews.timeline import add_update
from app.reviews.types import RapidOutcome
from tests.imports.helpers import problems, run
from tests.support.reviews import NOW, make_review
from tests.support.web import sign_in

BOARDS = [("Camden Safeguarding Adults Board", "SAB", "QMJ"),
          ("Tees Valley Community Safety Partnership", "CSP", "QHM"),
          ("Nottingham City Safeguarding Children Partnership", "LSCP", "QT1")]


def add_boards(session, *, decoys: int = 0) -> dict[str, int]:
    for n in range(decoys):  # so that the same board has another id in the other database
        session.add(Partnership(name=f"Decoy board {n}", kind="SAB", icb_code=None))
    session.add_all([Partnership(name=name, kind=kind, icb_code=icb) for name, kind, icb in BOARDS])
    session.commit()
    return dict(session.execute(select(Partnership.name, Partnership.id)).all())


def build_reviews(session) -> None:
    """One review of every kind the tracker holds, made through the services."""
    boards = add_boards(session)
    actor = system_actor(scope_for_code(session, "ENG"), name="round-trip")

    def update(review, text, on):
        add_update(session, review=review, text=text, entry_date=on, actor=actor, now=NOW, expected_version=None)
        session.commit()

    sar = make_review(session, local_identifier="RT-SAR-1", steis_number="2021/00001", media_interest=True,
                      partnership_id=boards["Camden Safeguarding Adults Board"], date_added=date(2021, 11, 3),
                      incident_date=date(2021, 10, 1), themes=["CA_NEGLECT", "CA_FINANCIAL", "CA_SELF_NEGLECT"],
                      overview="The family\u2019s \u00a32,000 arrears were known.\nTwo agencies held the information.",
                      learning_1="Share information early.", learning_2="=SUM(A1) is text, not a formula",
                      learning_3="@mentions are text", recommendations="-Escalate disagreements.\n+Record decisions.")
    update(sar, "Terms of reference agreed.", date(2021, 11, 20))
    update(sar, "Panel met; report drafting.", date(2022, 1, 10))
    make_review(session, organisation_code="52R", local_identifier=None, lfpse_reference="LFPSE-0001",
                review_type="SAR_DISCRETIONARY", overview="+44 is not a phone number here", themes=["CA_PHYSICAL"])
    make_review(session, organisation_code="16C", local_identifier="RT-DHR-1", review_type="DHR",
                partnership_id=boards["Tees Valley Community Safety Partnership"], themes=["DA_DOMESTIC_ABUSE"],
                date_added=date(2022, 2, 1), incident_date=date(2022, 1, 2), signed_off_date=date(2022, 9, 1),
                qa_submitted_date=date(2022, 9, 2), qa_feedback_date=date(2022, 9, 20),
                qa_approved_date=date(2022, 9, 30), publication_date=date(2022, 10, 3), publication_status="public",
                report_url="https://partnership.example.org/reports/rt-dhr-1")
    make_review(session, local_identifier="RT-DHRC-1", review_type="DHR_CHILD", themes=["DA_COERCIVE_CONTROL"],
                date_added=date(2023, 3, 1), incident_date=None, signed_off_date=date(2023, 12, 1),
                publication_status="embargoed", embargo_review_date=date(2024, 6, 1))
    make_review(session, organisation_code="52R", local_identifier="RT-CSPR-1", review_type="CSPR",
                themes=["WT_NEGLECT", "TH_MENTAL_HEALTH"], overview="\tIndented text stays text.",
                partnership_id=boards["Nottingham City Safeguarding Children Partnership"])
    make_review(session, local_identifier="RT-OTHER-1", review_type="OTHER",
                type_other_description="Thematic learning review", themes=["TH_SUICIDE"])
    make_review(session, local_identifier="RT-RR-OPEN", review_type="RAPID", date_added=date(2026, 11, 10),
                notification_date=date(2026, 11, 10), incident_date=None, incident_learned_date=date(2026, 11, 9),
                themes=["WT_PHYSICAL"])
    decided = [("RT-RR-NFR", "52R", None, RapidOutcome.NO_FURTHER_REVIEW),
               ("RT-RR-CSPR", "93C", None, RapidOutcome.CSPR), (None, "16C", "2024/00077", RapidOutcome.SAR)]
    for local, org, steis, outcome in decided:
        rr = make_review(session, organisation_code=org, local_identifier=local, steis_number=steis,
                         review_type="RAPID", date_added=date(2024, 5, 1), notification_date=date(2024, 5, 1),
                         incident_date=None, themes=["WT_NEGLECT"])
        became = decide_rapid_review(session, review=rr, outcome=outcome, decision_date=date(2024, 5, 20),
                                     actor=actor, now=NOW, expected_version=None)
        session.commit()
        if became is not None and local:
            data = input_from_review(became)
            data.overview = "The review it became, edited afterwards."
            update_review(session, review=became, expected_version=None, data=data, actor=actor, now=NOW)
            update(became, "Independent reviewer appointed.", date(2024, 6, 3))


def portrait(session) -> dict:
    """Every review as comparable values: its editable fields, status, themes, latest update, decision, links."""
    session.expire_all()
    out = {}
    for r in session.scalars(select(Review)):
        values = vars(input_from_review(r))
        values["partnership_id"] = r.partnership.name if r.partnership else None
        values.update(status=r.status, closed_on=r.closed_on, decision_date=r.decision_date,
                      rapid_outcome=r.rapid_outcome, latest_update=r.latest_update.text if r.latest_update else None,
                      latest_update_on=r.latest_update_on,
                      converted_to=r.converted_to.identifier if r.converted_to else None,
                      recorded=(r.recorded_organisation_name, r.recorded_icb_code, r.recorded_region_code))
        out[(r.organisation_code, r.review_type, r.identifier)] = values
    return out


@pytest.mark.parametrize("export_type", ["csv", "xlsx"])
def test_export_then_import_into_an_empty_database_gives_the_same_reviews(client, session, empty_app, export_type):
    build_reviews(session)
    original = portrait(session)
    assert len(original) == 12 and {v["status"] for v in original.values()} == {"open", "closed", "converted"}
    sign_in(client, "national")
    response = client.get(f"/admin/review/export/{export_type}/")
    assert response.status_code == 200
    exported = response.data

    other = empty_app()
    with other.app_context():
        assert portrait(db.session) == {}
        add_boards(db.session, decoys=3)
        report = run(db.session, exported, who="national", commit=True, filename=f"export.{export_type}")
        assert report.committed, problems(report)
        assert (report.count("create"), report.notes) == (12, [])
        assert portrait(db.session) == original
        again = run(db.session, exported, who="national", commit=True)
        assert (again.count("create"), again.count("update"), again.count("unchanged")) == (0, 0, 12)
        assert portrait(db.session) == original
