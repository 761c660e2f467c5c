"""My profile: every signed-in user sees their role and scope and turns digests on or off (audited)."""

from __future__ import annotations

from flask import current_app, flash, redirect, request, url_for
from flask_admin import expose
from sqlalchemy import select

from app.admin.base import TrackerBaseView
from app.extensions import db
from app.notifications.models import OutboxMessage
from app.notifications.preferences import set_digests
from app.notifications.recipients import DESIGNATED_PROFESSIONAL, NATIONAL_ADMIN, REGIONAL_LEAD
from app.people.models import User
from app.people.roles import ROLES
from app.types import utcnow

EMAILS_BY_ROLE = {
    DESIGNATED_PROFESSIONAL: (["Stale-review reminders (one email a day at most, listing every review)",
                               "Deadline chasers: rapid reviews, sign-off, publication, embargo review"],
                              "Weekly digest, on Mondays: your open reviews, what falls due, what went overdue"),
    REGIONAL_LEAD: (["Escalations of reviews without an update after repeated reminders",
                     "Overdue rapid reviews, and deadlines of organisations with no designated professional"],
                    "Monthly and quarterly digests for your region, with a spreadsheet"),
    NATIONAL_ADMIN: ([], "Monthly and quarterly digests for England, with a spreadsheet"),
}
RECENT = 20


class ProfileView(TrackerBaseView):
    """The signed-in user's own page."""

    def _user(self) -> User:
        return db.session.get(User, self.actor.user_id)

    @expose("/")
    def index(self):
        user = self._user()
        statutory, digest = EMAILS_BY_ROLE.get(user.role_name, ([], None))
        recent = db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient_user_id == user.id)
                                    .order_by(OutboxMessage.id.desc()).limit(RECENT)).all()
        return self.render("admin/profile.html", user=user, role_label=ROLES.get(user.role_name, {}).get("label"),
                           scope=self.actor.scope, statutory=statutory, digest=digest, recent=recent,
                           knobs=current_app.config["NOTIFICATIONS"])

    @expose("/digests/", methods=["POST"])
    def digests(self):
        """Turn the signed-in user's digests on or off."""
        enabled = request.form.get("digests_enabled") == "on"
        changed = set_digests(db.session, user=self._user(), enabled=enabled, actor=self.actor, now=utcnow())
        db.session.commit()
        if changed:
            flash("Digests turned on." if enabled else "Digests turned off. Deadline emails continue.", "success")
        return redirect(url_for(".index"))
