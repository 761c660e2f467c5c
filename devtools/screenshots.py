"""Screenshots of the main screens against the demo data: `python -m devtools.screenshots [--out DIR]`.

Builds a throwaway SQLite instance (migrated, reference data, demo data), serves it on a free loopback port,
signs in with Playwright in Debian's Chromium as the demo accounts and saves PNGs (docs/screenshots/ by default;
the README shows one). Nothing is left running.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyotp
from flask_migrate import upgrade
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from app.demo.data import DEMO_PASSWORD, load_demo_data
from app.demo.two_factor import DEMO_TOTP_KEY, enrol_demo_two_factor
from app.extensions import db
from app.factory import create_app
from app.orgs.reference import load_reference_data
from app.types import utcnow
from devtools.chromium import LAUNCH_ARGS, launch_browser
from devtools.ports import free_port

REPO = Path(__file__).resolve().parent.parent
# (file name, demo account, path, what to do on the page before the shot)
SHOTS = [
    ("dashboard.png", "dp.ncl@example.com", "/admin/", None),
    ("reviews-list.png", "dp.ncl@example.com", "/admin/review/", None),
    ("review-create-step-1.png", "dp.ncl@example.com", "/admin/review/new/", None),
    ("review-create-step-2.png", "dp.ncl@example.com", "/admin/review/new/?review_type=DHR", None),
    ("review-create-errors.png", "dp.ncl@example.com", "/admin/review/new/?review_type=DHR", "submit"),
    ("review-details.png", "dp.ncl@example.com", "first-review", None),
    ("reports.png", "lead.london@example.com", "/admin/reports/", None),
    ("users.png", "national@example.com", "/admin/users/", None),
    ("sign-in.png", None, "/login", None),
]


@contextmanager
def demo_server(reviews: int = 160) -> Iterator[str]:
    """A demo instance on a free port; yields its base URL."""
    with tempfile.TemporaryDirectory(prefix="tracker-shots-") as tmp:
        os.environ["TRACKER_INSTANCE_PATH"] = tmp
        app = create_app("test", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/demo.db", "TESTING": False,
                                  "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": 9, "MAIL_CATCHER_DIR": ""})
        with app.app_context():
            upgrade(directory=str(REPO / "migrations"))
            load_reference_data(db.session)
            load_demo_data(db.session, now=utcnow(), reviews=reviews)
            config = app.config
            enrol_demo_two_factor(db.session, required_roles=config["TWO_FACTOR_REQUIRED_ROLES"],
                                  totp_secrets=config["SECURITY_TOTP_SECRETS"], issuer=config["SECURITY_TOTP_ISSUER"],
                                  now=utcnow())
            db.session.commit()
        server = make_server("127.0.0.1", free_port(), app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_port}"
        finally:
            server.shutdown()
            thread.join(timeout=10)


def sign_in(page, base: str, email: str) -> None:
    """Sign in as a demo account (with the demo authenticator code when asked)."""
    page.goto(f"{base}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("#submit")
    page.wait_for_load_state()
    if page.locator("input[name=code]").count():
        page.fill("input[name=code]", pyotp.TOTP(DEMO_TOTP_KEY).now())
        page.click("button[type=submit], input[type=submit]")
        page.wait_for_load_state()


def take(out: Path, shots=SHOTS, full_page: bool = True) -> list[Path]:
    """Take every screenshot into `out`; returns the files written."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with demo_server() as base, sync_playwright() as playwright:
        browser = launch_browser(playwright, args=[*LAUNCH_ARGS, "--lang=en-GB"])  # dates day first
        try:
            for name, email, path, action in shots:
                context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
                page = context.new_page()
                if email:
                    sign_in(page, base, email)
                if path == "first-review":
                    page.goto(f"{base}/admin/review/")
                    page.locator("table.model-list td.col-identifier a").first.click()
                else:
                    page.goto(base + path)
                if action == "submit":
                    page.click("#save")
                page.wait_for_load_state("networkidle")
                page.screenshot(path=str(out / name), full_page=full_page)
                written.append(out / name)
                context.close()
        finally:
            browser.close()
    return written


def main() -> None:
    """Command line: --out DIR (default docs/screenshots)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default=str(REPO / "docs" / "screenshots"))
    args = parser.parse_args()
    for path in take(Path(args.out)):
        print(path)


if __name__ == "__main__":
    main()
