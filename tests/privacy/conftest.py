"""Make the repository root importable (``import app``) when pytest is run as ``.venv/bin/pytest``.

Needed only while ``tests/`` is not a package on this branch's base: once ``tests/__init__.py`` exists
(as on main since the foundation commit) pytest puts the repository root on ``sys.path`` itself and this
file can go.
"""

import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))
