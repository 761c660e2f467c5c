"""Debian's Chromium for Playwright browser tests (`playwright install` cannot download a browser here)."""

from __future__ import annotations

import shutil
from typing import Any

APT_HINT = "install it as root with: apt-get install -y chromium"

#: Flags for a sandbox-less CI container on a network that refuses most hosts (no background traffic).
LAUNCH_ARGS: list[str] = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-dev-shm-usage",
]


def chromium_path() -> str | None:
    """Path of the system Chromium (`chromium`, else `chromium-browser`), or None if neither is installed."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


def launch_browser(playwright: Any, **kwargs: Any) -> Any:
    """Launch headless system Chromium with LAUNCH_ARGS from a sync Playwright instance; extra kwargs pass through."""
    path = chromium_path()
    if path is None:
        raise RuntimeError(f"Chromium not found on PATH (looked for `chromium`, `chromium-browser`): {APT_HINT}")
    options: dict[str, Any] = {"executable_path": path, "args": list(LAUNCH_ARGS), "headless": True}
    options.update(kwargs)
    return playwright.chromium.launch(**options)
