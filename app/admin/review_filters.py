"""Filters of the reviews list. Drop-down options are cut to the signed-in user's scope on each request."""

from __future__ import annotations

from flask import current_app, has_request_context
from flask_admin.contrib.sqla import filters as sqla_filters
from sqlalchemy import exists, select

from app.admin.base import tracker_today
from app.extensions import db
from app.orgs.models import IntegratedCareBoard, Region, SubIcbLocation, Theme
from app.people.web import current_actor
from app.reports.queries import reviews_closed_between
from app.reviews.clock_queries import any_due_within_condition, any_overdue_condition, overdue_condition
from app.reviews.clocks import CLOCK_LABELS
from app.reviews.models import Review, ReviewTheme
from app.reviews.types import STATUS_CHOICES, TYPE_CHOICES


def _scope():
    if not has_request_context():
        return None
    actor = current_actor()
    return actor.scope if actor else None


def region_options():
    """Regions the user can see."""
    scope = _scope()
    if scope is None:
        return []
    rows = db.session.scalars(select(Region).where(Region.code.in_(sorted(scope.region_codes))).order_by(Region.name))
    return [(r.code, f"{r.name} ({r.code})") for r in rows]


def icb_options():
    """ICBs the user can see."""
    scope = _scope()
    if scope is None:
        return []
    rows = db.session.scalars(
        select(IntegratedCareBoard).where(IntegratedCareBoard.code.in_(sorted(scope.icb_codes)))
        .order_by(IntegratedCareBoard.name)
    )
    return [(i.code, f"{i.name} ({i.code})") for i in rows]


def location_options():
    """Sub-ICB locations the user can see."""
    scope = _scope()
    if scope is None:
        return []
    rows = db.session.execute(select(SubIcbLocation.code, SubIcbLocation.name)
                              .where(SubIcbLocation.code.in_(sorted(scope.location_codes))).order_by(SubIcbLocation.name))
    return [(code, f"{name} ({code})") for code, name in rows]


def theme_options():
    """The theme list."""
    if not has_request_context():
        return []
    return [(t.code, t.label) for t in db.session.scalars(select(Theme).order_by(Theme.code))]


class _CodeFilter(sqla_filters.BaseSQLAFilter):
    def operation(self):
        return "equals"


class CurrentRegionFilter(_CodeFilter):
    """Reviews whose organisation is in a region today."""

    def apply(self, query, value, alias=None):
        sub = select(SubIcbLocation.code).join(IntegratedCareBoard).where(IntegratedCareBoard.region_code == value)
        return query.filter(Review.organisation_code.in_(sub))


class CurrentIcbFilter(_CodeFilter):
    """Reviews whose organisation is under an ICB today."""

    def apply(self, query, value, alias=None):
        sub = select(SubIcbLocation.code).where(SubIcbLocation.icb_code == value)
        return query.filter(Review.organisation_code.in_(sub))


class LocationFilter(_CodeFilter):
    """Reviews of one sub-ICB location."""

    def apply(self, query, value, alias=None):
        return query.filter(Review.organisation_code == value)


class ThemeFilter(_CodeFilter):
    """Reviews carrying a theme (in any of the three places)."""

    def apply(self, query, value, alias=None):
        return query.filter(
            exists().where(ReviewTheme.review_id == Review.id, ReviewTheme.theme_code == value)
        )

    def operation(self):
        return "includes"



class OverdueFilter(sqla_filters.BaseSQLAFilter):
    """Reviews with an overdue clock (any, or a given kind)."""

    def apply(self, query, value, alias=None):
        config = current_app.config["CLOCKS"]
        if value == "any":
            return query.filter(any_overdue_condition(today=tracker_today(), config=config))
        return query.filter(overdue_condition(value, today=tracker_today(), config=config))

    def clean(self, value):
        if value != "any" and value not in CLOCK_LABELS:
            raise ValueError("unknown clock")
        return value

    def operation(self):
        return "is overdue"


class DueWithinFilter(sqla_filters.BaseSQLAFilter):
    """Reviews with a clock falling due in the next N days (not yet overdue)."""

    def apply(self, query, value, alias=None):
        return query.filter(any_due_within_condition(today=tracker_today(), days=value,
                                                     config=current_app.config["CLOCKS"]))

    def clean(self, value):
        days = int(value)
        if not 0 <= days <= 366:
            raise ValueError("days out of range")
        return days

    def operation(self):
        return "days (clock due within)"


class ClosedBetweenFilter(sqla_filters.DateBetweenFilter):
    """Reviews closed or converted between two dates, counted exactly as the reports and dashboard count them."""

    def apply(self, query, value, alias=None):
        start, end = value
        return query.filter(reviews_closed_between(start, end))


def review_filters() -> list:
    """The filters offered on the reviews list."""
    date_filters = []
    for column, name in ((Review.date_added, "Date added"), (Review.incident_date, "Incident date"),
                         (Review.notification_date, "Notification date"),
                         (Review.signed_off_date, "Date report signed off"),
                         (Review.publication_date, "Publication date")):
        date_filters += [
            sqla_filters.DateBetweenFilter(column, name),
            sqla_filters.DateGreaterFilter(column, name),
            sqla_filters.DateSmallerFilter(column, name),
        ]
    clock_options = [("any", "Any clock"), *list(CLOCK_LABELS.items())]
    return [
        sqla_filters.FilterEqual(Review.status, "Status", options=STATUS_CHOICES),
        sqla_filters.FilterEqual(Review.review_type, "Type of review", options=TYPE_CHOICES),
        CurrentRegionFilter(Review.organisation_code, "Region", options=region_options),
        CurrentIcbFilter(Review.organisation_code, "ICB", options=icb_options),
        LocationFilter(Review.organisation_code, "Sub-ICB location", options=location_options),
        ThemeFilter(Review.id, "Theme", options=theme_options),
        sqla_filters.BooleanEqualFilter(Review.media_interest, "Media interest"),
        OverdueFilter(Review.id, "Overdue", options=clock_options),
        DueWithinFilter(Review.id, "Due within"),
        *date_filters,
        ClosedBetweenFilter(Review.closed_on, "Closed or converted on"),
    ]
