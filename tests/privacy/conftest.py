"""Make the repository root importable (``import app``) when pytest is run as ``.venv/bin/pytest``.

The project has no ``pythonpath`` setting yet; once ``[tool.pytest.ini_options] pythonpath = ["."]`` exists
this file can go.
"""

import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))
