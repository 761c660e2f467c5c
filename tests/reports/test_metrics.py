"""Every report metric against figures worked out by hand from tests/reports/dataset.py (see its table).

The expected numbers are written out here, never recomputed by the code under test.
"""

from __future__ import annotations

from datetime import date

import pytest

from app.orgs.scope import scope_for_code
from app.people.actor import system_actor
from app.reports.metrics import flow_by_type
from app.reports.periods import MONTH, period_of
from app.reports.request import ReportOutsideScope, ReportRefused, prepare_request
from tests.reports.support import TODAY, TYPES, expand, flow, measures, run

# ---------------------------------------------------------------- flow by type


def test_london_q3_2021_flow_by_type(session, reviews):
    """Q3 2021/22 (Oct-Dec 2021), London: O1, L10, L1 open at start; L2 and L7 open and close inside it."""
    report = run(session, period="2021-Q3", scope="Y56")
    assert flow(report) == expand({
        "SAR": (3, 0, 2, 1),            # O1, L10, L1 at start; L1 (15 Oct) and O1 (15 Dec) close; L10 stays
        "DHR": (0, 1, 1, 0),            # L2 opens 4 Oct, embargoed 20 Nov
        "CSPR": (0, 2, 0, 2),           # L3, L6c
        "Rapid Review": (0, 4, 2, 2),   # L6, L7, L8, L9 open; L6 converts, L7 no further review
        "Total": (3, 7, 5, 5),
    })


def test_london_financial_year_boundary(session, reviews):
    """L4 is added on 31 March 2022 (FY2021) and closes on 1 April 2022 (FY2022); L5 is added on 1 April 2022."""
    fy2021 = run(session, period="FY2021", scope="Y56")
    assert flow(fy2021) == expand({
        "SAR": (1, 3, 2, 2),                  # O1 at start; L10, L1, L8c open; L1, O1 close
        "SAR (discretionary)": (0, 1, 0, 1),  # L4 opens on the last day
        "DHR": (0, 1, 1, 0),                  # L2
        "CSPR": (0, 2, 0, 2),                 # L3, L6c
        "Rapid Review": (0, 4, 3, 1),         # L6, L7, L8 decided; L9 awaiting
        "Total": (1, 11, 6, 6),
    })
    fy2022 = run(session, period="FY2022", scope="Y56")
    assert flow(fy2022) == expand({
        "SAR": (2, 0, 0, 2),
        "SAR (discretionary)": (1, 0, 1, 0),  # L4 closes on the first day
        "DHR": (0, 1, 0, 1),                  # L5 opens on the first day
        "CSPR": (2, 0, 0, 2),
        "Rapid Review": (1, 0, 0, 1),
        "Total": (6, 1, 1, 6),
    })
    q4, q1 = run(session, period="2021-Q4", scope="Y56"), run(session, period="2022-Q1", scope="Y56")
    assert flow(q4)["Total"] == (5, 2, 1, 6)  # L8c and L4 open; L8 converts
    assert flow(q1)["Total"] == (6, 1, 1, 6)


def test_london_november_2021(session, reviews):
    """A calendar month: L7 opens (1 Nov) and closes (12 Nov) inside it."""
    report = run(session, period="2021-11", scope="Y56")
    assert flow(report) == expand({
        "SAR": (2, 0, 0, 2), "DHR": (1, 0, 1, 0), "CSPR": (1, 1, 0, 2), "Rapid Review": (0, 1, 1, 0),
        "Total": (4, 2, 2, 4),
    })


# ---------------------------------------------------------------- geography: Bassetlaw moved region in July 2022


@pytest.mark.parametrize(("scope", "geography", "total"), [
    ("Y63", "recorded", (2, 0, 0, 2)),   # B1 (recorded South Yorkshire and Bassetlaw) and N1
    ("Y63", "current", (1, 0, 0, 1)),    # N1 only: Bassetlaw is in the Midlands today
    ("Y60", "recorded", (0, 3, 1, 2)),   # M1, M2, M2c
    ("Y60", "current", (1, 3, 1, 3)),    # ... and B1
    ("QF7", "recorded", (2, 0, 0, 2)),
    ("QF7", "current", (1, 0, 0, 1)),
    ("QT1", "recorded", (0, 3, 1, 2)),
    ("QT1", "current", (1, 3, 1, 3)),
    ("02Q", "recorded", (1, 0, 0, 1)),   # a sub-ICB location keeps its code: the same in both modes
    ("02Q", "current", (1, 0, 0, 1)),
    ("ENG", "recorded", (5, 10, 6, 9)),
    ("ENG", "current", (5, 10, 6, 9)),
])
def test_bassetlaw_counts_where_it_was_recorded_or_where_it_is_now(session, reviews, scope, geography, total):
    report = run(session, period="2021-Q3", scope=scope, geography=geography)
    assert flow(report)["Total"] == total


def test_areas_of_england_by_mode(session, reviews):
    recorded = flow(run(session, period="2021-Q3", scope="ENG"), "areas")
    current = flow(run(session, period="2021-Q3", scope="ENG", geography="current"), "areas")
    assert recorded["Y56"] == current["Y56"] == (3, 7, 5, 5)
    assert (recorded["Y60"], recorded["Y63"]) == ((0, 3, 1, 2), (2, 0, 0, 2))
    assert (current["Y60"], current["Y63"]) == ((1, 3, 1, 3), (1, 0, 0, 1))
    for other in ("Y58", "Y59", "Y61", "Y62"):
        assert recorded[other] == current[other] == (0, 0, 0, 0)
    assert recorded["Total"] == current["Total"] == (5, 10, 6, 9)


def test_areas_of_london_by_icb(session, reviews):
    areas = run(session, period="2021-Q3", scope="Y56")["areas"]
    assert [r[0] for r in areas.rows] == ["QMJ", "QMF", "QRV", "QKK", "QWE", "Total"]
    values = flow(run(session, period="2021-Q3", scope="Y56"), "areas")
    assert values["QMJ"] == (3, 5, 5, 3)   # L2, L6, L6c, L7, L9 open; O1, L1, L2, L6, L7 close
    assert values["QKK"] == (0, 2, 0, 2)   # L3, L8
    assert values["QMF"] == values["QRV"] == values["QWE"] == (0, 0, 0, 0)


def test_fy2022_midlands_after_the_move(session, reviews):
    """B2 (02Q, added August 2022) is recorded in the Midlands; B1 stays recorded in North East and Yorkshire."""
    assert flow(run(session, period="FY2022", scope="Y60"))["Total"] == (2, 1, 0, 3)  # M1, M2c; B2
    assert flow(run(session, period="FY2022", scope="Y60", geography="current"))["Total"] == (3, 1, 0, 4)
    assert flow(run(session, period="FY2022", scope="Y63"))["Total"] == (2, 0, 0, 2)  # B1, N1


# ---------------------------------------------------------------- the requester's scope limits every row


def test_reviews_outside_the_requesters_scope_are_never_counted(session, reviews):
    """A North East and Yorkshire requester: B1 is recorded in Y63 but lies in the Midlands today."""
    report = run(session, period="2021-Q3", scope="Y63", as_scope="Y63")
    assert flow(report)["Total"] == (1, 0, 0, 1)  # N1 only
    midlands = run(session, period="2021-Q3", scope="Y60", as_scope="Y60")
    assert flow(midlands)["Total"] == (0, 3, 1, 2)  # never B1 in recorded mode, never London
    london = run(session, period="2021-Q3", scope="Y56", as_scope="Y56")
    assert flow(london)["Total"] == (3, 7, 5, 5)
    assert "RPT-M1" not in {r[1] for r in london["learning"].rows}


def test_a_scope_outside_the_requesters_is_refused(session, reviews):
    with pytest.raises(ReportOutsideScope, match="outside your scope"):
        run(session, period="2021-Q3", scope="ENG", as_scope="Y56")
    with pytest.raises(ReportOutsideScope):
        run(session, period="2021-Q3", scope="QT1", as_scope="02Q")
    with pytest.raises(ReportRefused, match="is not a scope"):
        run(session, period="2021-Q3", scope="XYZ")
    with pytest.raises(ReportRefused, match="has not started yet"):
        run(session, period="2027-Q2", scope="ENG")
    with pytest.raises(ReportRefused, match="not a geography mode"):
        run(session, period="2021-Q3", scope="ENG", geography="sideways")


# ---------------------------------------------------------------- rapid reviews


def test_rapid_reviews_london_q3(session, reviews):
    assert measures(run(session, period="2021-Q3", scope="Y56"), "rapid") == {
        "Rapid reviews added in the period": 4,                      # L6, L7, L8, L9
        "Rapid reviews decided in the period": 2,                    # L6, L7 (L8 decides in January)
        "Converted to a Child Safeguarding Practice Review (CSPR)": 1,
        "Converted to a Safeguarding Adult Review (SAR)": 0,
        "Converted to a Domestic Homicide Review (DHR)": 0,
        "Converted (all)": 1,
        "No further review": 1,
        "Conversion rate (% of decisions)": 50.0,
        "Median working days from notification to decision": 12.0,  # L7 9, L6 15
        "Decided within 15 working days of notification": 2,
        "Awaiting a decision at end": 2,                              # L8, L9
    }


def test_rapid_reviews_over_christmas_bank_holidays(session, reviews):
    """L8: notified Mon 20 Dec 2021, decided Fri 14 Jan 2022: 16 working days (27, 28 Dec and 3 Jan skipped)."""
    rapid = measures(run(session, period="2021-Q4", scope="Y56"), "rapid")
    assert rapid["Rapid reviews decided in the period"] == 1
    assert rapid["Converted to a Safeguarding Adult Review (SAR)"] == 1
    assert rapid["Conversion rate (% of decisions)"] == 100.0
    assert rapid["Median working days from notification to decision"] == 16.0
    assert rapid["Decided within 15 working days of notification"] == 0
    assert rapid["Awaiting a decision at end"] == 1  # L9


def test_rapid_reviews_england_q3(session, reviews):
    rapid = measures(run(session, period="2021-Q3", scope="ENG"), "rapid")
    assert rapid["Rapid reviews added in the period"] == 5  # + M2
    assert rapid["Rapid reviews decided in the period"] == 3
    assert (rapid["Converted to a Child Safeguarding Practice Review (CSPR)"],
            rapid["Converted to a Domestic Homicide Review (DHR)"], rapid["No further review"]) == (1, 1, 1)
    assert rapid["Conversion rate (% of decisions)"] == 66.7
    assert rapid["Median working days from notification to decision"] == 15.0  # 9, 15, 15
    assert rapid["Decided within 15 working days of notification"] == 3


def test_no_decisions_gives_no_rate_and_no_median(session, reviews):
    rapid = measures(run(session, period="2022-Q2", scope="Y56"), "rapid")
    assert rapid["Rapid reviews decided in the period"] == 0
    assert rapid["Conversion rate (% of decisions)"] is None
    assert rapid["Median working days from notification to decision"] is None


# ---------------------------------------------------------------- themes, overdue clocks, media, trend, learning


def test_themes_count_each_review_once_per_theme(session, reviews):
    themes = {row[0]: tuple(row[2:]) for row in run(session, period="2021-Q3", scope="Y56")["themes"].rows}
    assert themes == {  # (active in the period, opened, closed or converted, open at end)
        "TH_MENTAL_HEALTH": (3, 3, 1, 2),  # L2, L3, L8
        "WT_NEGLECT": (3, 3, 1, 2),        # L3, L7, L9
        "CA_NEGLECT": (2, 0, 2, 0),        # O1, L1
        "TH_NAI_INFANT": (2, 2, 1, 1),     # L6, L6c
        "WT_PHYSICAL": (2, 2, 1, 1),       # L6, L6c
        "CA_DOMESTIC": (1, 1, 1, 0),       # L2
        "CA_FINANCIAL": (1, 0, 0, 1),      # L10
        "TH_ONLINE_ABUSE": (1, 1, 0, 1),   # L8
        "CA_SELF_NEGLECT": (1, 0, 1, 0),   # L1
        "WT_SEXUAL": (1, 1, 0, 1),         # L8
        "TH_SUDI": (1, 1, 0, 1),           # L9
    }


def test_overdue_clocks_at_the_end_of_the_period(session, reviews):
    q3 = measures(run(session, period="2021-Q3", scope="Y56"), "overdue")
    assert q3 == {
        "Rapid review due": 1,                    # L9 (due 22 Dec 2021)
        "Update due (stale after no update)": 3,  # L6c, L9, L10 (L3 had an update on 20 Dec)
        "Sign-off expected": 0,
        "Submission to the Home Office Quality Assurance Panel": 0,
        "Home Office Quality Assurance Panel decision": 0,
        "Publication due": 1,                     # L10, signed off 1 Nov 2021
        "Embargo review": 0,
        "Any clock (reviews with at least one overdue)": 3,
    }
    q1 = measures(run(session, period="2022-Q1", scope="Y56"), "overdue")
    assert q1 == {
        "Rapid review due": 1,                    # L9
        "Update due (stale after no update)": 6,  # L10, L3, L5, L6c, L8c, L9
        "Sign-off expected": 2,                   # L3 (15 May 2022), L6c (22 Apr 2022)
        "Submission to the Home Office Quality Assurance Panel": 0,
        "Home Office Quality Assurance Panel decision": 0,
        "Publication due": 1,                     # L10
        "Embargo review": 1,                      # L2 (1 June 2022)
        "Any clock (reviews with at least one overdue)": 7,
    }
    midlands = measures(run(session, period="2021-Q3", scope="Y60", geography="current"), "overdue")
    assert midlands["Sign-off expected"] == 1  # B1 (SAR added 1 Jun 2021: due 1 Dec 2021)


def test_media_interest(session, reviews):
    media = {row[0]: tuple(row[1:]) for row in run(session, period="2021-Q3", scope="Y56")["media"].rows}
    assert media == dict.fromkeys(TYPES, (0, 0, 0)) | {
        "DHR": (1, 1, 0), "CSPR": (2, 2, 2), "Rapid Review": (1, 1, 0), "Total": (4, 4, 2)}


def test_open_trend_month_ends(session, reviews):
    trend = run(session, period="2021-Q3", scope="Y56")["trend"].rows
    assert [d for d, _ in trend] == [period_of(MONTH, date(2021, m, 1)).end for m in range(1, 13)]
    assert [n for _, n in trend] == [1, 1, 1, 2, 3, 3, 3, 3, 3, 4, 4, 5]


def test_learning_of_the_reviews_closed_in_the_period(session, reviews):
    rows = run(session, period="2021-Q3", scope="Y56")["learning"].rows
    assert [r[1] for r in rows] == ["RPT-L1", "RPT-L7", "RPT-L2", "RPT-O1"]  # by closing date; not L6 (converted)
    l1 = rows[0]
    assert l1[2:] == ["SAR", "93C", "NHS North Central London CCG", date(2021, 10, 15), "Public",
                      "Share information earlier.", "Assess capacity at each contact.", None,
                      "Agencies to adopt a joint escalation protocol."]


def test_a_period_in_progress_counts_to_today(session, reviews):
    report = run(session, period="2026-11", scope="Y56")
    assert report.request.in_progress and report.request.as_of == date(2026, 11, 25)
    assert flow(report)["Total"] == (6, 0, 0, 6)  # L10, L3, L5, L6c, L8c, L9 have been open ever since


# ---------------------------------------------------------------- consistency over every month


def test_open_at_end_is_open_at_start_plus_opened_minus_closed_every_month(session, reviews):
    actor = system_actor(scope_for_code(session, "ENG"))
    for scope in ("ENG", "Y56", "Y60", "Y63", "QT1"):
        for geography in ("recorded", "current"):
            previous_end = None
            for year, month_number in [(y, m) for y in (2020, 2021, 2022, 2023) for m in range(1, 13)]:
                request = prepare_request(session, actor=actor, period=f"{year}-{month_number:02d}", scope_code=scope,
                                          geography=geography, today=TODAY)
                start, opened, closed, end = flow_by_type(session, request).row("Total")[1:]
                assert end == start + opened - closed, (scope, geography, year, month_number)
                assert previous_end is None or start == previous_end, (scope, geography, year, month_number)
                previous_end = end


def test_a_rapid_review_decided_before_it_was_added_closes_on_its_date_added(session, reviews):
    """Notified 28 Sep 2021, decided 1 Oct, added 5 Oct (the lifecycle allows it): never counted as closed in
    September, and October still adds up (opened and closed in October)."""
    from app.reviews.actions import decide_rapid_review as decide
    from app.reviews.types import RapidOutcome
    from tests.support.reviews import NOW, make_review

    early = make_review(session, local_identifier="RPT-PRE1", review_type="RAPID", organisation_code="93C",
                        date_added=date(2021, 10, 5), incident_date=date(2021, 9, 27),
                        notification_date=date(2021, 9, 28), themes=["WT_NEGLECT"])
    decide(session, review=early, outcome=RapidOutcome.NO_FURTHER_REVIEW, decision_date=date(2021, 10, 1),
           actor=system_actor(scope_for_code(session, "ENG")), now=NOW, expected_version=None)
    session.commit()
    september, october = run(session, period="2021-09", scope="Y56"), run(session, period="2021-10", scope="Y56")
    assert flow(september)["Rapid Review"] == (0, 0, 0, 0)
    assert flow(october)["Rapid Review"] == (0, 2, 2, 0)  # L6 (converts 22 Oct) and PRE1 (closes on 5 Oct)
    start, opened, closed, end = flow(october)["Total"]
    assert end == start + opened - closed
    assert "RPT-PRE1" in {r[1] for r in october["learning"].rows}
