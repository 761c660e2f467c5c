"""axe-core in the page (vendored in tests/browser/vendor/, see SOURCES.md), and signing in like a user."""

from __future__ import annotations

import re
from pathlib import Path

from tests.support.accounts import ACCOUNTS, PASSWORD
from tests.support.web import next_totp_code

AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
FAILING_IMPACTS = ("serious", "critical")  # of axe's best practices; any WCAG A/AA violation fails whatever its impact
# WCAG 2.0-2.2 A and AA plus axe's best practices; target-size (WCAG 2.2 2.5.8) is off in axe by default.
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]},
    "rules": {"target-size": {"enabled": True}},
    "resultTypes": ["violations"],
}


def axe_violations(page) -> list[dict]:
    """The axe violations of the page as it is now that fail: every WCAG 2.0-2.2 A/AA one, and the serious and
    critical best-practice ones (axe injected through the DevTools protocol, so the page's CSP is untouched)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_SOURCE)
    result = page.evaluate("async (options) => await axe.run(document, options)", AXE_OPTIONS)
    return [{"rule": v["id"], "impact": v["impact"], "help": v["help"],
             "nodes": [" ".join(n["target"][0] if isinstance(n["target"][0], list) else n["target"])
                       for n in v["nodes"][:5]]}
            for v in result["violations"] if v["impact"] in FAILING_IMPACTS or is_wcag(v["tags"])]


def is_wcag(tags: list[str]) -> bool:
    """Whether an axe rule tests a WCAG success criterion (tags such as wcag2aa, wcag143), not a best practice."""
    return any(re.fullmatch(r"wcag\d+a*", tag) for tag in tags)


def sign_in(page, base: str, app, who: str) -> None:
    """Sign in through the form, with a real authenticator code when the role needs one."""
    email = ACCOUNTS[who][0]
    page.goto(f"{base}/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("#submit")
    page.wait_for_load_state()
    if page.locator("form[name=two_factor_verify_code_form]").count():
        page.fill("#code", next_totp_code(app, email))
        page.click("#submit-code, form[name=two_factor_verify_code_form] button[type=submit]")
    page.wait_for_url(re.compile(r".*/admin/.*"))
