"""Issue 11, item 4: in both geography modes, for every month, quarter and financial year of the demo data, the
regions add up to England and the ICBs to their region, whoever runs them: England's own areas table, each
region's report as its regional lead runs it, each ICB's report as its designated professional runs it."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from app.demo.data import load_demo_data
from app.orgs.models import IntegratedCareBoard, Region
from app.orgs.scope import scope_for_code
from app.people.actor import system_actor
from app.reports.metrics import TOTAL, flow_by_area, flow_by_type
from app.reports.periods import MONTH, QUARTER, YEAR, recent_periods
from app.reports.request import prepare_request

DEMO_NOW = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)
TODAY = date(2026, 12, 3)


def totals(table) -> tuple:
    return tuple(table.row(TOTAL)[-5:])


ACTORS: dict = {}


def report(session, period, scope: str, geography: str, *, as_scope: str):
    key = (id(session), as_scope)
    if key not in ACTORS:  # the tree is read once per requester
        ACTORS[key] = system_actor(scope_for_code(session, as_scope), name="sweep")
    return prepare_request(session, actor=ACTORS[key], period=period, scope_code=scope, geography=geography,
                           today=TODAY)


def add(rows) -> tuple:
    return tuple(map(sum, zip(*rows, strict=True))) if rows else (0, 0, 0, 0, 0)


@pytest.mark.parametrize("geography", ["recorded", "current"])
def test_regions_add_up_to_england_and_icbs_to_their_region_every_period(session, geography):
    load_demo_data(session, now=DEMO_NOW)
    session.commit()
    regions = list(session.scalars(select(Region.code).order_by(Region.code)))
    icbs: dict[str, list[str]] = {}
    for icb, region in session.execute(select(IntegratedCareBoard.code, IntegratedCareBoard.region_code)):
        icbs.setdefault(region, []).append(icb)
    periods = [p for kind in (MONTH, QUARTER, YEAR) for p in recent_periods(kind, TODAY, back_to=date(2021, 4, 1))]
    assert len(periods) > 90
    checked = 0
    for period in periods:
        england = report(session, period, "ENG", geography, as_scope="ENG")
        england_total = totals(flow_by_type(session, england))
        by_region = {row[0]: tuple(row[-5:]) for row in flow_by_area(session, england).rows if row[0] != TOTAL}
        assert add(list(by_region.values())) == england_total, (period.code, geography)
        own = {}
        for region in regions:  # as the regional lead runs it
            request = report(session, period, region, geography, as_scope=region)
            own[region] = totals(flow_by_type(session, request))
            assert own[region] == by_region.get(region, (0, 0, 0, 0, 0)), (period.code, geography, region)
            areas = flow_by_area(session, request)
            assert add([tuple(r[-5:]) for r in areas.rows if r[0] != TOTAL]) == own[region], (period.code, region)
            if period.kind != MONTH:  # every ICB's own report too (quarters and years)
                icb_totals = [totals(flow_by_type(session, report(session, period, icb, geography, as_scope=icb)))
                              for icb in icbs[region]]
                leftovers = [tuple(r[-5:]) for r in areas.rows if r[0] not in (TOTAL, *icbs[region])]
                assert add(icb_totals + leftovers) == own[region], (period.code, geography, region)
            checked += 1
        assert add(list(own.values())) == england_total, (period.code, geography)
    assert checked == len(periods) * len(regions)


def test_fy2022_as_the_issue_found_it(session):
    """The issue's FY2022 figures: England said 44/61/42/63 while the regions' own reports added up to 44/58/40/62
    (Bassetlaw's reviews added before July 2022 were in neither region as recorded). Now they add up."""
    load_demo_data(session, now=DEMO_NOW)
    session.commit()
    england = totals(flow_by_type(session, report(session, "FY2022", "ENG", "recorded", as_scope="ENG")))
    regions = list(session.scalars(select(Region.code)))
    summed = add([totals(flow_by_type(session, report(session, "FY2022", r, "recorded", as_scope=r)))
                  for r in regions])
    assert summed == england
    start, opened, reopened, closed, end = england
    assert end == start + opened + reopened - closed
