"""Digest scoping: for every role, no review outside the recipient's scope appears in the body or the CSV."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from tests.support.accounts import ACCOUNTS
from tests.support.reviews import make_review
from tests.support.services import by_recipient, csv_rows, html_of, text_of

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
# organisation code -> (ICB, region)
PLACES = {"93C": ("QMJ", "Y56"), "A3A8R": ("QMF", "Y56"), "52R": ("QT1", "Y60"), "02Q": ("QT1", "Y60"),
          "15E": ("QHL", "Y60"), "02P": ("QF7", "Y63"), "15N": ("QJK", "Y58")}
EXPECTED_DIGESTS = {"dp_ncl": 1, "dp_notts": 1, "dp_bassetlaw": 1, "lead_london": 2, "lead_midlands": 2,
                    "national": 2, "viewer_midlands": 0, "viewer_national": 0}


@pytest.fixture
def app_config(app_config):
    app_config["NOTIFICATIONS"] = {**__import__("config.schedule").schedule.NOTIFICATIONS, "send_empty_digests": True}
    return app_config


@pytest.fixture
def placed(session):
    """Per place: an open review added in September (stale, due soon) and one closed-by-conversion rapid review."""
    made = {}
    for code in PLACES:
        made[f"OPEN-{code}"] = make_review(session, organisation_code=code, local_identifier=f"OPEN-{code}",
                                           date_added=date(2026, 9, 10), incident_date=date(2026, 9, 1))
        made[f"RR-{code}"] = make_review(session, organisation_code=code, local_identifier=f"RR-{code}",
                                         review_type="RAPID", date_added=date(2026, 11, 16),
                                         notification_date=date(2026, 11, 16), incident_date=date(2026, 11, 10),
                                         themes=["WT_NEGLECT"])
    return made


def in_scope(scope_code: str, org: str) -> bool:
    icb, region = PLACES[org]
    return scope_code in ("ENG", org, icb, region)


def test_a_digest_holds_only_reviews_its_recipient_may_see(session, placed, jobs, smtp):
    """Every role at once (one run of the jobs): national, regional leads, ICB and sub-ICB DPs, viewers."""
    for job in ("weekly-digest", "monthly-digest", "quarterly-digest"):
        jobs.run(job, NOW)
    jobs.deliver(NOW)
    smtp.wait_for(sum(EXPECTED_DIGESTS.values()))
    received = by_recipient(smtp)
    assert set(received) == {ACCOUNTS[w][0] for w, n in EXPECTED_DIGESTS.items() if n}
    for who, (email, _role, scope_code) in sorted(ACCOUNTS.items()):
        messages = received.get(email, [])
        assert len(messages) == EXPECTED_DIGESTS[who], who
        visible = {name for name in placed if in_scope(scope_code, name.split("-", 1)[1])}
        for message in messages:
            body = text_of(message) + html_of(message)
            attached = {row["Identifier"] for row in csv_rows(message)}
            assert attached <= visible, (who, message["Subject"], attached - visible)
            for name in set(placed) - visible:
                assert name not in body, (who, message["Subject"], name)
            assert attached, (who, message["Subject"])  # every recipient here has reviews in scope
            if message["Subject"].startswith("Monthly"):
                assert attached == {n for n in visible if n.startswith("OPEN-")}, who  # rapid ones came in Nov
