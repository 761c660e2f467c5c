"""Found by the security scan (sqlmap on the CSV export): each streamed CSV export kept a database connection
until garbage collection, so a burst of exports exhausted the pool and the service stopped answering. Served
over real HTTP: the test client keeps the request's context open while it reads, which hides the leak."""

from __future__ import annotations

import gc
import http.cookiejar
import re
import threading
import urllib.parse
import urllib.request

from werkzeug.serving import make_server

from app.extensions import db
from devtools.ports import free_port
from tests.support.accounts import ACCOUNTS, PASSWORD
from tests.support.reviews import make_review


def test_csv_exports_give_their_connection_back(app, session):
    make_review(session, organisation_code="93C", local_identifier="POOL-1")
    session.close()
    port = free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{port}"
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def fetch(path: str, data: dict | None = None) -> bytes:
        body = urllib.parse.urlencode(data).encode() if data else None
        with opener.open(base + path, body, timeout=20) as response:
            return response.read()

    gc.collect()
    gc.disable()  # the leak hid behind garbage collection: measure without it
    try:
        token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', fetch("/login")).group(1).decode()
        fetch("/login", {"email": ACCOUNTS["dp_ncl"][0], "password": PASSWORD, "csrf_token": token})
        before = db.engine.pool.checkedout()
        for _ in range(8):
            assert b"POOL-1" in fetch("/admin/review/export/csv/")
        assert db.engine.pool.checkedout() == before, "CSV exports left database connections checked out"
    finally:
        gc.enable()
        server.shutdown()
