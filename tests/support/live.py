"""A live HTTP server for browser tests: the test's app served by werkzeug on a free loopback port."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from devtools.chromium import launch_browser


@contextmanager
def live_server(app) -> Iterator[str]:
    """Serve `app` on 127.0.0.1 in a thread; yields the base URL and stops the server afterwards."""
    server = make_server("127.0.0.1", 0, app, threaded=True)  # port 0: the kernel picks a free one, no race
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


@contextmanager
def browser_page() -> Iterator:
    """A Playwright page in Debian's Chromium (headless), closed afterwards."""

    with sync_playwright() as playwright:
        browser = launch_browser(playwright)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(15_000)
            yield page
        finally:
            browser.close()
