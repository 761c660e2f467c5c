"""A report names each type as it was called at the period's end (config/review_types.py: a statutory renaming)."""

from __future__ import annotations

from datetime import date

import config.review_types as configured
from app.reports.dashboard import types_table
from app.reviews.types import ReviewType
from tests.reports.support import flow, measures, run

OLD_DHR = "Converted to a Domestic Homicide Review (DHR)"
NEW_DHR = "Converted to a Domestic Abuse Related Death Review (DARDR)"


def type_names(report) -> list[str]:
    return [row[0] for row in report["flow"].rows]


def test_a_renaming_names_the_periods_ending_on_or_after_it_and_keeps_the_figures(session, reviews, monkeypatch):
    before = run(session, period="2021-Q3", scope="ENG")  # M2, a rapid review, converted to a DHR on 24 Nov 2021
    assert measures(before, "rapid")[OLD_DHR] == 1
    monkeypatch.setitem(configured.TYPE_RENAMES[0], "takes_effect", date(2021, 12, 1))
    november, quarter = run(session, period="2021-11", scope="ENG"), run(session, period="2021-Q3", scope="ENG")
    # November 2021 ended before the renaming: the old names; the quarter ended after it: the new ones
    assert {"DHR", "DHR (child)"} <= set(type_names(november)) and "DARDR" not in type_names(november)
    assert {"DARDR", "DARDR (child)"} <= set(type_names(quarter)) and "DHR" not in type_names(quarter)
    assert measures(november, "rapid")[OLD_DHR] == 1 and NEW_DHR not in measures(november, "rapid")
    assert measures(quarter, "rapid")[NEW_DHR] == 1 and OLD_DHR not in measures(quarter, "rapid")
    # the same reviews are counted, under the name of the period's end
    assert flow(quarter)["DARDR"] == flow(before)["DHR"]
    assert flow(quarter)["DARDR (child)"] == flow(before)["DHR (child)"]
    assert [row[0] for row in quarter["media"].rows] == type_names(quarter)


def test_the_dashboard_names_open_reviews_by_type_as_on_its_day(monkeypatch):
    monkeypatch.setitem(configured.TYPE_RENAMES[0], "takes_effect", date(2027, 4, 1))
    counts = {ReviewType.DHR: 2, ReviewType.DHR_CHILD: 1}
    assert [r[0] for r in types_table(counts, date(2027, 3, 31)).rows] == ["DHR", "DHR (child)", "Total"]
    assert [r[0] for r in types_table(counts, date(2027, 4, 1)).rows] == ["DARDR", "DARDR (child)", "Total"]
