"""Flask-Admin wiring: one scoped base view (base.py) and one view module per domain."""

from __future__ import annotations

from flask import Flask
from flask_admin import Admin
from flask_admin.theme import Bootstrap4Theme

from app.admin.audit import AuditView
from app.admin.dashboard import DashboardView
from app.admin.formatting import register_formatting
from app.admin.imports import ImportView
from app.admin.mailcatcher import MailCatcherView
from app.admin.outbox import OutboxView
from app.admin.people import UserView
from app.admin.profile import ProfileView
from app.admin.reference import IcbView, LocationView, PartnershipView, RegionView, ThemeView
from app.admin.reports import ReportsView
from app.admin.returns import ReturnsView
from app.admin.reviews import ReviewView
from app.admin.to_complete import ToCompleteView
from app.extensions import db
from app.reviews.models import Review
from app.security.headers import csp_nonce


def init_admin(app: Flask) -> Admin:
    """Create the admin with every screen; each screen checks role and scope itself."""
    register_formatting(app)
    admin = Admin(
        app,
        name="Safeguarding Case Review Tracker",
        theme=Bootstrap4Theme(base_template="admin/tracker_base.html", fluid=True),
        index_view=DashboardView(name="Dashboard", url="/admin", endpoint="admin"),
        csp_nonce_generator=csp_nonce,
    )
    admin.add_view(ReviewView(Review, db, name="Reviews", endpoint="review"))
    admin.add_view(ReportsView(name="Reports", endpoint="reports", url="/admin/reports"))
    admin.add_view(ReturnsView(name="Period returns", endpoint="returns", url="/admin/returns"))
    admin.add_view(ImportView(name="Import", endpoint="imports", url="/admin/import"))
    admin.add_view(ToCompleteView(name="To complete", endpoint="to_complete", url="/admin/to-complete"))
    admin.add_view(PartnershipView(db, category="Reference data"))
    admin.add_view(ThemeView(db, category="Reference data"))
    admin.add_view(RegionView(db, category="Reference data"))
    admin.add_view(IcbView(db, category="Reference data"))
    admin.add_view(LocationView(db, category="Reference data"))
    admin.add_view(UserView(db, name="Users", endpoint="users", category="Administration"))
    admin.add_view(AuditView(db, name="Audit trail", endpoint="audit", category="Administration"))
    admin.add_view(OutboxView(db, name="Outbox", endpoint="outbox", category="Administration"))
    if app.config.get("MAIL_CATCHER_DIR"):
        admin.add_view(MailCatcherView(name="Caught mail", endpoint="mailcatcher", category="Administration"))
    admin.add_view(ProfileView(name="My profile", endpoint="profile", url="/admin/profile"))
    return admin
