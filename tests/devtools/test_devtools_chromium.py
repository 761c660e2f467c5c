"""devtools.chromium: Debian's Chromium driven by the pip Playwright package against a local page."""

from __future__ import annotations

import http.server
import threading
import time

import pytest
from playwright.sync_api import sync_playwright

from devtools import chromium
from devtools.chromium import LAUNCH_ARGS, chromium_path, launch_browser


def test_launch_args_keep_chromium_quiet() -> None:
    assert "--no-sandbox" in LAUNCH_ARGS and "--disable-background-networking" in LAUNCH_ARGS


def test_missing_chromium_gives_the_apt_command(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    assert chromium.chromium_path() is None
    with pytest.raises(RuntimeError, match="apt-get install -y chromium"):
        launch_browser(object())


class _Page(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b"<!doctype html><title>Caught mail</title><h1 id='h'>Safeguarding Case Review Tracker</h1>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.mark.browser
@pytest.mark.skipif(chromium_path() is None, reason="Chromium is not installed (apt-get install -y chromium)")
def test_launch_browser_renders_a_local_page() -> None:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with sync_playwright() as p:
            started = time.monotonic()
            browser = launch_browser(p)
            try:
                print(f"chromium launch took {time.monotonic() - started:.2f}s")
                page = browser.new_page()
                page.goto(f"http://127.0.0.1:{server.server_address[1]}/")
                assert page.title() == "Caught mail"
                assert page.text_content("#h") == "Safeguarding Case Review Tracker"
            finally:
                browser.close()
    finally:
        server.shutdown()
        server.server_close()
