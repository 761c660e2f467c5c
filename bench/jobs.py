"""Workflow job scans and digest builds at a fixed `now`, each run in a transaction that is rolled back.

Rolling back after every run makes each repeat do the same work as the first (nothing is marked as sent), so the
figure is the cost of a scan on a day when everything found is new: the most expensive run of the day.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from bench.generate import TODAY

NOW = datetime(TODAY.year, TODAY.month, TODAY.day, 9, 0, tzinfo=UTC)
# The benchmark's recipients and the digest each gets (bench.databases.ACCOUNTS).
DIGESTS = {"dp_sub_icb": "weekly", "dp_icb": "weekly", "lead": "monthly", "national": "quarterly"}


def job_scenarios(app) -> dict[str, Callable[[], int]]:
    """Name -> callable for each scan job (returns how many emails it queued)."""
    from app.extensions import db
    from app.notifications.jobs import SCANS, run_scan
    from app.notifications.settings import NotificationSettings

    settings = NotificationSettings.from_config(app.config)

    def scan(job: str) -> Callable[[], int]:
        def run() -> int:
            with app.app_context():
                try:
                    report = run_scan(db.session, job, now=NOW, settings=settings)
                    return len(report.queued)
                finally:
                    db.session.rollback()
        return run

    return {f"job scan: {job}": scan(job) for job in SCANS}


def digest_scenarios(app) -> dict[str, Callable[[], int]]:
    """Name -> callable building one benchmark recipient's digest (returns how many reviews it lists)."""
    from app.extensions import db
    from app.notifications.digests import build_digest
    from app.notifications.periods import due_period
    from app.notifications.recipients import Directory
    from app.notifications.settings import NotificationSettings
    from bench.databases import ACCOUNTS

    settings = NotificationSettings.from_config(app.config)

    def build(who: str, kind: str) -> Callable[[], int]:
        def run() -> int:
            with app.app_context():
                try:
                    person = Directory(db.session).by_email(ACCOUNTS[who][0])
                    digest = build_digest(db.session, person, due_period(kind, TODAY), today=TODAY,
                                          settings=settings)
                    return digest.rows.total
                finally:
                    db.session.rollback()
        return run

    labels = {"dp_sub_icb": "sub-ICB designated professional", "dp_icb": "ICB designated professional",
              "lead": "regional lead", "national": "national admin"}
    return {f"digest build: {kind} for {labels[who]}": build(who, kind) for who, kind in DIGESTS.items()}


def figure_scenarios(app) -> dict[str, Callable[[], int]]:
    """Computing dashboard figures (what a kept snapshot saves a page), and the refresh-dashboards job."""
    from app.extensions import db
    from app.orgs.scope import scope_for_code
    from app.reports.snapshots import compute_dashboard, refresh_dashboards, settings_from

    settings = settings_from(app.config)

    def compute(code: str) -> Callable[[], int]:
        def run() -> int:
            with app.app_context():
                board, _ = compute_dashboard(db.session, scope_for_code(db.session, code), TODAY, settings)
                return board.total_open
        return run

    def refresh() -> int:
        with app.app_context():
            try:
                return len(refresh_dashboards(db.session, now=NOW, settings=settings))
            finally:
                db.session.rollback()

    return {"dashboard figures computed: national": compute("ENG"),
            "dashboard figures computed: region Y60": compute("Y60"),
            "dashboard figures computed: sub-ICB 02Q": compute("02Q"),
            "job: refresh-dashboards (every benchmark account's scope)": refresh}
