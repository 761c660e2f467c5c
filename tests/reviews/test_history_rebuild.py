"""Migration 0008's reconstruction: the history rebuilt from stored dates and the audit trail is the history the
lifecycle writes live, for reviews whose status changed on different days; reviews with no audit trail get theirs
from their stored dates in bulk SQL."""

from datetime import date, timedelta
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import delete, insert, select, text

from app.extensions import db
from app.factory import create_app
from app.orgs.scope import scope_for_code
from app.people.actor import system_actor
from app.reviews import actions
from app.reviews.history import EVER, StatusInterval
from app.reviews.history_rebuild import rebuild_history
from app.reviews.models import Review
from app.reviews.service import delete_review
from app.reviews.types import RapidOutcome
from tests.support.reviews import NOW, make_review

D = date
MIGRATIONS = str(Path(__file__).resolve().parents[2] / "migrations")
FIELDS = ("review_id", "status", "change", "valid_from", "valid_to", "known_from", "known_until", "entered_on",
          "review_type", "organisation_code", "recorded_icb_code", "recorded_region_code", "media_interest",
          "theme_1", "theme_2", "theme_3", "notification_date", "decision_date", "rapid_outcome", "converted_to_id")


def national(session):
    return system_actor(scope_for_code(session, "ENG"), name="rebuild-test")


def held(session) -> list[tuple]:
    rows = session.scalars(select(StatusInterval).order_by(StatusInterval.review_id, StatusInterval.valid_from,
                                                           StatusInterval.known_from, StatusInterval.status))
    return sorted((tuple(getattr(r, f) for f in FIELDS) for r in rows), key=str)


def test_the_rebuilt_history_is_the_history_kept_live(session):
    later, much_later = NOW + timedelta(days=2), NOW + timedelta(days=9)
    make_review(session, date_added=D(2022, 5, 2), incident_date=D(2022, 4, 1))  # open
    make_review(session, date_added=D(2021, 4, 1), incident_date=D(2021, 3, 1), signed_off_date=D(2021, 8, 1),
                publication_status="public", publication_date=D(2021, 9, 1))  # entered closed
    withdrawn = make_review(session, date_added=D(2021, 5, 1), incident_date=D(2021, 3, 1),
                            signed_off_date=D(2021, 8, 1), publication_status="embargoed",
                            embargo_review_date=D(2022, 8, 1))
    actions.reopen_review(session, review=withdrawn, reason="Embargo lifted early: report to be corrected",
                          actor=national(session), now=later, expected_version=None)
    actions.close_review(session, review=withdrawn, actor=national(session), now=much_later, expected_version=None)
    rapid = make_review(session, review_type="RAPID", date_added=D(2021, 11, 1), incident_date=D(2021, 10, 30),
                        notification_date=D(2021, 11, 1), themes=["WT_NEGLECT"])
    actions.decide_rapid_review(session, review=rapid, outcome=RapidOutcome.NO_FURTHER_REVIEW,
                                decision_date=D(2021, 11, 12), actor=national(session), now=later,
                                expected_version=None)
    actions.reopen_review(session, review=rapid, reason="New information", actor=national(session), now=much_later,
                          expected_version=None)
    converting = make_review(session, review_type="RAPID", date_added=D(2021, 10, 4), incident_date=D(2021, 9, 28),
                             notification_date=D(2021, 10, 1), themes=["WT_PHYSICAL"])
    actions.decide_rapid_review(session, review=converting, outcome=RapidOutcome.CSPR, decision_date=D(2021, 10, 22),
                                actor=national(session), now=NOW, expected_version=None,
                                new_local_identifier="REBUILD-CSPR")
    session.commit()
    live = held(session)
    assert any(row[6] is not None for row in live)  # some rows were replaced on later days: real history
    session.execute(delete(StatusInterval))
    assert rebuild_history(session.connection()) == 6
    session.commit()
    assert held(session) == live


def test_a_review_with_no_audit_trail_gets_its_history_from_its_stored_dates(session):
    template = make_review(session, date_added=D(2022, 1, 10), incident_date=D(2021, 12, 1))
    columns = {c.name: getattr(template, c.name) for c in Review.__table__.columns if c.name != "id"}
    raw = []
    for n, values in enumerate([
        {"status": "open"},
        {"status": "closed", "closed_on": D(2022, 6, 1), "signed_off_date": D(2022, 5, 1),
         "publication_status": "public", "publication_date": D(2022, 6, 1)},
        {"status": "converted", "review_type": "RAPID", "closed_on": D(2022, 1, 5), "decision_date": D(2022, 1, 5),
         "rapid_outcome": "CSPR", "notification_date": D(2022, 1, 3), "converted_to_id": template.id},
    ]):
        raw.append(session.execute(insert(Review.__table__).values(
            {**columns, **values, "local_identifier": f"RAW-{n}", "steis_number": None, "lfpse_reference": None,
             "latest_update_id": None}).returning(Review.__table__.c.id)).scalar_one())
    assert rebuild_history(session.connection()) == 3
    session.commit()
    rows = {rid: [(r.status, r.change, r.valid_from, r.valid_to, r.known_from, r.decision_date, r.rapid_outcome,
                   r.converted_to_id) for r in session.scalars(select(StatusInterval)
                                                              .where(StatusInterval.review_id == rid)
                                                              .order_by(StatusInterval.valid_from,
                                                                        StatusInterval.change.desc()))]
            for rid in raw}
    assert rows[raw[0]] == [("open", "opened", D(2022, 1, 10), None, EVER, None, None, None)]
    assert rows[raw[1]] == [("open", "opened", D(2022, 1, 10), D(2022, 6, 1), EVER, None, None, None),
                            ("closed", "closed", D(2022, 6, 1), None, EVER, None, None, None)]
    # Decided before its date added: it closes on its date added.
    assert rows[raw[2]] == [("open", "opened", D(2022, 1, 10), D(2022, 1, 10), EVER, None, None, None),
                            ("converted", "converted", D(2022, 1, 10), None, EVER, D(2022, 1, 5), "CSPR",
                             template.id)]
    assert rebuild_history(session.connection()) == 0  # a review's history is built once


def test_migration_0008_gives_existing_reviews_their_history(tmp_path):
    """A database before 0008 with reviews (one closed, one reopened in its audit trail) migrates to a history."""
    url = f"sqlite:///{tmp_path / 'old.db'}"
    application = create_app("test", {"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    with application.app_context():
        upgrade(directory=MIGRATIONS, revision="0009_statutory_stages")  # 0008 follows main's 0009
        indexes = text("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'review' ORDER BY name")
        indexes_before = db.session.execute(indexes).all()
        common = ("version, review_type, organisation_code, recorded_organisation_name, recorded_icb_code, "
                  "recorded_icb_name, recorded_region_code, recorded_region_name, recorded_vintage, dp_initials, "
                  "media_interest, created_at, updated_at")
        values = ("1, 'SAR_MANDATORY', '93C', 'NCL', 'QMJ', 'NCL ICB', 'Y56', 'London', '2021-04-01', 'AB', 0, "
                  "'2022-01-10 09:00:00.000000', '2022-01-10 09:00:00.000000'")
        db.session.execute(text(f"INSERT INTO review (id, status, date_added, closed_on, {common}) "  # noqa: S608
                                f"VALUES (1, 'closed', '2021-05-01', '2021-09-01', {values})"))
        db.session.execute(text(f"INSERT INTO review (id, status, date_added, closed_on, {common}) "  # noqa: S608
                                f"VALUES (2, 'open', '2021-06-01', NULL, {values})"))
        db.session.execute(text("INSERT INTO review_theme (review_id, position, theme_code) "
                                "VALUES (2, 1, 'CA_NEGLECT')"))
        db.session.execute(text("INSERT INTO review_update (review_id, entry_date, text, author_label, created_at) "
                                "VALUES (2, '2022-02-01', 'Panel met.', 'dp@example.com', '2022-02-01 10:00:00')"))
        db.session.execute(text("INSERT INTO review_link (review_id, linked_review_id, reason, created_at) "
                                "VALUES (1, 2, 'joint', '2022-02-01 10:00:00')"))
        for n, (stamp, change) in enumerate([("2022-01-10 09:00:00", '["open", "closed"]'),
                                             ("2022-03-01 12:00:00", '["closed", "open"]')], start=1):
            db.session.execute(text("INSERT INTO audit_event (id, occurred_at, action, review_id, changes) VALUES "
                                    "(:id, :at, 'review.status', 2, :changes)"),
                               {"id": n, "at": stamp, "changes": f'{{"status": {change}}}'})
        db.session.commit()
        upgrade(directory=MIGRATIONS, revision="0008_status_history")
        rows = db.session.execute(text("SELECT review_id, status, change, valid_from, valid_to, known_from, "
                                       "known_until, theme_1 FROM review_status_interval "
                                       "ORDER BY review_id, known_from, valid_from")).all()
        assert [tuple(r) for r in rows] == [
            (1, "open", "opened", "2021-05-01", "2021-09-01", "1900-01-01", None, None),
            (1, "closed", "closed", "2021-09-01", None, "1900-01-01", None, None),
            # closed on the day it was entered (the audit trail recorded no closing date): reopened on 1 March 2022
            (2, "open", "opened", "2021-06-01", "2022-01-10", "1900-01-01", None, "CA_NEGLECT"),
            (2, "closed", "closed", "2022-01-10", None, "1900-01-01", "2022-03-01", "CA_NEGLECT"),
            (2, "closed", "closed", "2022-01-10", "2022-03-01", "2022-03-01", None, "CA_NEGLECT"),
            (2, "open", "reopened", "2022-03-01", None, "2022-03-01", None, "CA_NEGLECT"),
        ]
        assert "AUTOINCREMENT" in db.session.scalar(text("SELECT sql FROM sqlite_master WHERE name = 'review'"))
        # recreating the table for AUTOINCREMENT keeps every index (the identifier search's expression index too)
        assert db.session.execute(indexes).all() == indexes_before
        assert "ix_review_local_identifier_key" in {name for name, _ in indexes_before}
        upgrade(directory=MIGRATIONS)  # later rebuilds of the table (0012) keep AUTOINCREMENT too
        assert "AUTOINCREMENT" in db.session.scalar(text("SELECT sql FROM sqlite_master WHERE name = 'review'"))
        assert db.session.scalar(text("SELECT count(*) FROM review")) == 2
        # recreating the review table keeps the rows that point at it (no cascade on the drop)
        assert db.session.scalar(text("SELECT count(*) FROM review_theme")) == 1
        assert db.session.scalar(text("SELECT count(*) FROM review_update")) == 1
        assert db.session.scalar(text("SELECT count(*) FROM review_link")) == 1
        db.session.remove()
        db.engine.dispose()


def test_a_deleted_reviews_id_is_never_given_to_another(session):
    first = make_review(session, date_added=D(2022, 5, 2), incident_date=D(2022, 4, 1))
    rid = first.id
    delete_review(session, review=first, expected_version=None, actor=national(session), now=NOW)
    session.commit()
    assert make_review(session, date_added=D(2022, 5, 2), incident_date=D(2022, 4, 1)).id > rid
