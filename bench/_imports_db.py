"""A throwaway tracker database for a benchmark: migrated, with the reference data, in a temporary folder."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


@contextmanager
def bench_app(database_url: str | None = None) -> Iterator:
    """An app context on a fresh SQLite database (or the given empty database), migrated and loaded."""
    os.environ.setdefault("TRACKER_ENV", "test")
    from flask_migrate import upgrade

    from app.extensions import db
    from app.factory import create_app
    from app.orgs.reference import load_reference_data

    with tempfile.TemporaryDirectory(prefix="tracker-bench-") as folder:
        os.environ["TRACKER_INSTANCE_PATH"] = folder
        url = database_url or f"sqlite:///{Path(folder) / 'bench.db'}"
        app = create_app("test", {"SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            upgrade(directory=str(REPO / "migrations"))
            load_reference_data(db.session)
            db.session.commit()
            try:
                yield app
            finally:
                db.session.remove()
                db.engine.dispose()
