"""Locust users for the load test: signed-in tracker users browsing, searching, reporting and saving their reviews."""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import threading

import pyotp
import urllib3
from locust import HttpUser, between, task
from locust.exception import StopUser

from loadtest.forms import csrf_token, form_with_field, parse_forms

urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)  # loopback, self-signed certificate

ACCOUNTS = json.loads(open(os.environ["LOADTEST_ACCOUNTS"]).read())["accounts"]  # noqa: SIM115
SIGNIN_LOG = os.environ.get("LOADTEST_SIGNIN_LOG")
WAIT = [float(x) for x in os.environ.get("LOADTEST_WAIT", "1-3").split("-")]
TIMEOUT = 120  # seconds: longer than gunicorn's --timeout 60, so a killed worker shows as an error, not a hang
FILTERS = ["/admin/review/?flt1_status_equals=open&flt2_type_of_review_equals=DHR",
           "/admin/review/?flt1_overdue_is_overdue=any",
           "/admin/review/?flt1_due_within_days_clock_due_within=30",
           "/admin/review/?flt1_status_equals=open&sort=3"]
SUCCESS_FLASH = "Update added to the timeline."
ALERT = re.compile(r'class="alert alert-(?:danger|error)[^"]*"[^>]*>(.*?)</div>', re.S)
_next_user = itertools.count()
_log_lock = threading.Lock()


def _log_signin(line: str) -> None:
    if SIGNIN_LOG:
        with _log_lock, open(SIGNIN_LOG, "a") as fh:
            fh.write(line + "\n")


def _alert(html: str) -> str:
    match = ALERT.search(html)
    return re.sub(r"<[^>]+>|\s+", " ", match.group(1)).strip()[:200] if match else "no message"


class TrackerUser(HttpUser):
    """One signed-in user with its own account (and its own reviews to save)."""

    wait_time = between(WAIT[0], WAIT[-1])

    def on_start(self) -> None:
        index = next(_next_user)
        self.account = ACCOUNTS[index % len(ACCOUNTS)]
        self.client.verify = False
        # Behind the TLS proxy every user has its own address (TRUSTED_PROXY_COUNT=1 for the load test): the
        # per-address sign-in throttle then applies per user, as in production.
        self.client.headers["X-Forwarded-For"] = f"10.77.{index // 250}.{index % 250 + 1}"
        # Over HTTPS Flask-WTF also checks that a POST's Referer is this site, as a browser's would be.
        self.client.headers["Referer"] = f"{self.host}/admin/"
        self.edits = itertools.count(1)
        if not self._sign_in():
            _log_signin(f"failed {self.account['email']}")
            raise StopUser()
        _log_signin(f"ok {self.account['email']}")

    def _sign_in(self) -> bool:
        page = self.client.get("/login", name="sign in: form", timeout=TIMEOUT)
        token = csrf_token(page.text)
        if not token:
            return False
        response = self.client.post("/login", name="sign in: password", timeout=TIMEOUT, data={
            "email": self.account["email"], "password": self.account["password"], "csrf_token": token})
        if 'name="two_factor_verify_code_form"' in response.text:
            code = pyotp.TOTP(self.account["totp_key"]).now()
            response = self.client.post("/tf-validate", name="sign in: authenticator code", timeout=TIMEOUT,
                                        data={"code": code, "csrf_token": csrf_token(response.text)})
        return response.ok and "/admin" in response.url

    def _get(self, url: str, name: str):
        with self.client.get(url, name=name, timeout=TIMEOUT, catch_response=True) as response:
            if response.ok and "/login" in response.url:
                response.failure("signed out (redirected to the sign-in page)")
            return response

    def _own(self) -> int:
        return random.choice(self.account["own_reviews"])

    @task(3)
    def reviews_list(self) -> None:
        self._get("/admin/review/", "reviews list")

    @task(3)
    def reviews_list_filtered(self) -> None:
        self._get(random.choice(FILTERS), "reviews list, filtered")

    @task(2)
    def reviews_search(self) -> None:
        identifiers = self.account["identifiers"] or ["BENCH-DHR"]
        self._get(f"/admin/review/?search={random.choice(identifiers)}", "reviews list, search")

    @task(1)
    def reviews_list_page(self) -> None:
        self._get(f"/admin/review/?page={random.randint(1, 4)}", "reviews list, pages 2-5")

    @task(4)
    def review_details(self) -> None:
        if self.account["own_reviews"]:
            self._get(f"/admin/review/details/?id={self._own()}", "review details")

    @task(2)
    def dashboard(self) -> None:
        self._get("/admin/", "dashboard")

    @task(1)
    def reports(self) -> None:
        self._get("/admin/reports/", "reports page")

    @task(2)
    def timeline_update(self) -> None:
        """Open one of the user's own reviews and post a timeline entry with the page's version."""
        if not self.account["own_reviews"]:
            return
        review_id = self._own()
        page = self._get(f"/admin/review/details/?id={review_id}", "review details")
        form = next((f for f in parse_forms(page.text) if f.form_id == "update-form"), None)
        if form is None:
            return
        data = form.replace("text", f"Load test: agencies' chronologies received ({next(self.edits)}).")
        with self.client.post("/admin/review/update/", data=data, name="save: timeline update", timeout=TIMEOUT,
                              catch_response=True) as response:
            if not response.ok or SUCCESS_FLASH not in response.text:
                response.failure(f"timeline update refused: {_alert(response.text)}")

    @task(1)
    def edit_review(self) -> None:
        """Edit one of the user's own reviews through the review form (the version field guards the save)."""
        if self.account["role"] == "regional_lead" or not self.account["own_reviews"]:
            return self.timeline_update()  # regional leads post updates but do not edit reviews
        review_id = self._own()
        page = self._get(f"/admin/review/edit/?id={review_id}", "edit form")
        form = form_with_field(page.text, "overview")
        if form is None:
            return None
        overview = "Agencies did not share information about escalating risk. Load-test edit " \
                   f"{next(self.edits)}."
        with self.client.post(f"/admin/review/edit/?id={review_id}", data=form.replace("overview", overview),
                              name="save: edit review", timeout=TIMEOUT, allow_redirects=False,
                              catch_response=True) as response:
            if response.status_code != 302 or "/admin/review/details/" not in response.headers.get("Location", ""):
                response.failure(f"edit refused ({response.status_code}): {_alert(response.text)}")
        return None
