"""Streamed report files give their database connection back (served over real HTTP, garbage collector off:
the test client would keep the request context open and hide a leak; see tests/security/test_export_connections.py)."""

from __future__ import annotations

import gc
import http.cookiejar
import re
import urllib.parse
import urllib.request

from app.extensions import db
from tests.support.accounts import ACCOUNTS, PASSWORD
from tests.support.live import live_server
from tests.support.reviews import make_review

Q = "period=FY2025&scope=QMJ&geography=recorded"


def test_streamed_extracts_and_report_files_give_their_connection_back(app, session):
    make_review(session, organisation_code="93C", local_identifier="POOL-REPORT-1")
    session.close()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    with live_server(app) as base:

        def fetch(path: str, data: dict | None = None) -> bytes:
            body = urllib.parse.urlencode(data).encode() if data else None
            with opener.open(base + path, body, timeout=30) as response:
                return response.read()

        gc.collect()
        gc.disable()
        try:
            token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', fetch("/login")).group(1).decode()
            fetch("/login", {"email": ACCOUNTS["dp_ncl"][0], "password": PASSWORD, "csrf_token": token})
            before = db.engine.pool.checkedout()
            for _ in range(6):
                assert b"POOL-REPORT-1" in fetch(f"/admin/reports/extract.csv?{Q}")
                assert fetch(f"/admin/reports/extract.xlsx?{Q}")[:2] == b"PK"
                assert b"Open at start" in fetch(f"/admin/reports/download/flow.csv?{Q}")
            assert db.engine.pool.checkedout() == before, "report files left database connections checked out"
        finally:
            gc.enable()
