"""Make the checkout importable: `.venv/bin/pytest` does not put it on sys.path by itself.

tests/devtools deliberately has no __init__.py: without a tests/__init__.py it would become a package named
`devtools` and shadow the real one.
"""

from __future__ import annotations

import sys
from pathlib import Path

_REPO_ROOT = str(Path(__file__).resolve().parents[2])
if _REPO_ROOT not in sys.path:
    sys.path.insert(0, _REPO_ROOT)
