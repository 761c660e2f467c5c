"""The load-test driver's pure helpers: parameters, account plan, HTML forms, locust CSV, job log lines, the doc."""

from __future__ import annotations

import pytest

from loadtest.forms import csrf_token, form_with_field, parse_forms
from loadtest.report import (
    parse_failures,
    parse_stats,
    process_kind,
    replace_section,
    server_times,
    stats_table,
    task_events,
)
from loadtest.run import Params
from loadtest.setup import plan_accounts, spread

STATS = """Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,\
Max Response Time,Average Content Size,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%
GET,dashboard,5,0,1200,1314.3,589.0,2449.1,16785.0,0.1313,0.0,1200,1300,1300,2400,2400,2400,2400,2400,2400,2400,2400
POST,save: edit review,1,1,310,310,310,310,0,0.03,0.03,310,310,310,310,310,310,310,310,310,310,310
,Aggregated,6,1,1200,1100,310,2449,14000,0.16,0.03,1200,1300,1300,2400,2400,2450,2450,2450,2450,2450,2450
GET,never,0,0,0,0,0,0,0,0.0,0.0,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A
"""


def test_params_defaults_and_smoke_label():
    full = Params.from_env({})
    assert (full.users, full.minutes, full.reviews, full.label) == (50, 3.0, 1_000_000, "full")
    assert full.run_seconds == full.ramp_seconds + 180 and full.ramp_seconds == 25 + 5
    smoke = Params.from_env({"LOAD_USERS": "10", "LOAD_MINUTES": "0.5", "LOAD_REVIEWS": "10000"})
    assert (smoke.label, smoke.run_seconds) == ("smoke", 10 + 30)
    with pytest.raises(ValueError):
        Params.from_env({"LOAD_USERS": "0"})


def test_account_plan_roles_scopes_and_unique_emails():
    regions = ["Y56", "Y58", "Y59", "Y60", "Y61", "Y62", "Y63"]
    icbs = [f"Q{i:02d}" for i in range(42)]
    locations = [f"{i:02d}X" for i in range(106)]
    plan = plan_accounts(50, regions=regions, icbs=icbs, locations=locations)
    assert len(plan) == 50 and len({a.email for a in plan}) == 50
    roles = [a.role for a in plan]
    assert roles.count("national_admin") == 1 and roles.count("regional_lead") == 2
    dps = [a for a in plan if a.role == "designated_professional"]
    assert {a.scope for a in dps if len(a.scope) == 3 and a.scope.startswith("Q")} and \
        {a.scope for a in dps if a.scope.endswith("X")}  # both ICB and sub-ICB designated professionals
    assert [a.role for a in plan_accounts(1, regions=regions, icbs=icbs, locations=locations)] == ["national_admin"]
    assert spread(["a", "b"], 3) == ["a", "b", "a"] and spread(list("abcdefgh"), 4) == ["a", "c", "e", "g"]


def test_forms_are_read_as_a_browser_submits_them():
    html = """<form method="post" action="/logout"><input type="hidden" name="csrf_token" value="T1"></form>
    <form method="post" action="" id="review"><input type="hidden" name="csrf_token" value="T2">
      <input id="version" name="version" type="hidden" value="3"><input type="submit" name="save" value="Save">
      <input type="checkbox" name="media_interest" value="y" checked><input type="checkbox" name="other" value="y">
      <select name="review_type"><option value="SAR">SAR</option><option value="DHR" selected>DHR</option></select>
      <select name="partnership_id"><option value="">(none)</option><option value="7">P</option></select>
      <textarea name="overview">
Agencies &amp; police</textarea><input name="date_added" type="date" value="2026-06-01"></form>"""
    assert csrf_token(html) == "T1"
    form = form_with_field(html, "version")
    assert form is not None and form.form_id == "review" and len(parse_forms(html)) == 2
    assert form.fields == [("csrf_token", "T2"), ("version", "3"), ("media_interest", "y"), ("review_type", "DHR"),
                           ("partnership_id", ""), ("overview", "Agencies & police"), ("date_added", "2026-06-01")]
    assert form.replace("overview", "new")[-1] == ("overview", "new") and form.get("nothing") is None


def test_locust_csv_becomes_the_doc_table():
    rows = parse_stats(STATS)
    assert [r.name for r in rows][-1] == "Aggregated" and rows[0].name == "dashboard"
    assert (rows[-1].requests, rows[-1].failures, rows[-1].p95) == (6, 1, 2450)
    table = stats_table(rows)
    assert "| GET dashboard | 5 | 0 | 0.13 | 1200 | 2400 | 2400 | 2449 |" in table
    assert "| **All requests** | 6 | 1 |" in table and "| GET never | 0 | 0 | 0.00 | 0 |" in table
    failures = parse_failures("Method,Name,Error,Occurrences\nPOST,save: edit review,edit refused (200): x,1\n")
    assert failures == [("POST", "save: edit review", "edit refused (200): x", 1)]


def test_task_lines_process_kinds_and_doc_sections():
    log = ("worker1 | [..: INFO/ForkPoolWorker-1] Task workflows.chasers.send_chasers[0a-1b] succeeded in 16.2s: []\n"
           "worker2 | Task workflows.digests.send_weekly_digests[ff-01] raised unexpected: ValueError('x')\n")
    assert task_events(log) == [("workflows.chasers.send_chasers", "0a-1b", "succeeded", 16.2),
                                ("workflows.digests.send_weekly_digests", "ff-01", "raised", None)]
    assert process_kind("/v/bin/python /v/bin/gunicorn --workers 2 wsgi:app") == "gunicorn (web)"
    assert process_kind("/v/bin/python /v/bin/celery -A workflows.worker beat") == "celery beat"
    assert process_kind("postgres: tracker tracker 127.0.0.1(5) idle") == "PostgreSQL"
    doc = replace_section("# Load test\n\nText.\n", "smoke", "first")
    assert doc.endswith("<!-- loadtest:smoke -->\nfirst\n<!-- /loadtest:smoke -->\n")
    again = replace_section(replace_section(doc, "full", "big"), "smoke", "second")
    assert "first" not in again and again.index("second") < again.index("big") and again.startswith("# Load test")


def test_server_times_from_the_json_request_log():
    line = ('web     | {{"time": "2026-11-26T00:5{m}:00.000+00:00", "level": "INFO", "logger": "tracker.request", '
            '"message": "request", "endpoint": "{e}", "status": 200, "duration_ms": {d}}}')
    log = "\n".join([line.format(m=5, e="review.details_view", d=d) for d in (100, 300, 200)] +
                    [line.format(m=9, e="review.details_view", d=9999), "web     | [INFO] Booting worker",
                     line.format(m=6, e="admin.index", d=50)])
    times = server_times(log, since="2026-11-26T00:55", until="2026-11-26T00:58")
    assert times == {"review.details_view": (3, 200.0, 300.0), "admin.index": (1, 50.0, 50.0)}
