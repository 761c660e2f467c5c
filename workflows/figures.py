"""Dashboard figures refreshed ahead of users (every few minutes in working hours; safe to repeat)."""

from __future__ import annotations

from celery import shared_task
from flask import current_app

from app.extensions import db
from app.reports.snapshots import refresh_dashboards, settings_from
from app.types import utcnow


@shared_task(name="workflows.figures.refresh_dashboards", acks_late=True)
def refresh_dashboard_figures() -> list[str]:
    """Recompute the dashboard of every scope with an active user."""
    settings = settings_from(current_app.config)
    if settings.max_age_seconds <= 0:
        return []
    try:
        done = refresh_dashboards(db.session, now=utcnow(), settings=settings)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    current_app.logger.info("dashboards refreshed for %d scopes", len(done))
    return done
