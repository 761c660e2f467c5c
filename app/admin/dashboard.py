"""The admin home page: a summary of the reviews in the signed-in user's scope."""

from __future__ import annotations

from flask_admin import expose
from sqlalchemy import func, select

from app.admin.base import TrackerIndexView
from app.extensions import db
from app.reviews.access import in_scope
from app.reviews.models import Review
from app.reviews.types import ReviewStatus, ReviewType


class DashboardView(TrackerIndexView):
    """Open reviews by type in the user's scope, each a link to the filtered list."""

    @expose("/")
    def index(self):
        actor = self.actor
        rows = db.session.execute(
            select(Review.review_type, func.count()).where(in_scope(actor.scope), Review.status == ReviewStatus.OPEN)
            .group_by(Review.review_type)
        ).all()
        counts = dict.fromkeys(ReviewType, 0)
        for rtype, n in rows:
            counts[ReviewType(rtype)] = n
        return self.render("admin/dashboard.html", actor=actor, open_by_type=counts,
                           total_open=sum(counts.values()))
