"""An import committed in another process, stopped dead half-way through its write (tests/imports/test_write_lock.py).

`python -m tests.imports.killed_import DATABASE_URL FILE EMAIL`: commits FILE as the account EMAIL; once some of the
file's rows have been written (in the import's transaction, not yet committed) it prints MIDWAY and waits to be
killed. The write's statements are made small (100 rows each) so that "half-way" is many statements in.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from app.extensions import db
from app.factory import create_app
from app.imports import writer
from app.imports.service import import_reviews, limits_from
from app.orgs.scope import scope_for_code
from app.people.actor import Actor
from app.people.models import User
from tests.support.accounts import ACCOUNTS
from tests.support.reviews import NOW

STATEMENTS: list[int] = []
STATEMENTS_BEFORE_STOPPING = 20  # 1,500 reviews inserted (15 statements), their themes under way


def stop_half_way(items: list, size: int = writer.BATCH):
    """writer.batches, in slices of 100, announcing MIDWAY (and waiting to be killed) after a number of statements."""
    for start in range(0, len(items), 100):
        yield items[start:start + 100]
        STATEMENTS.append(start)
        if len(STATEMENTS) == STATEMENTS_BEFORE_STOPPING:
            print("MIDWAY", flush=True)
            time.sleep(120)


def main(url: str, path: str, email: str) -> None:
    """Commit the file as the account, stopping half-way through the write."""
    app = create_app("test", {"SQLALCHEMY_DATABASE_URI": url, "TESTING": True, "MAIL_PORT": 9,
                              "MAIL_CATCHER_DIR": ""})
    writer.batches = stop_half_way
    with app.app_context():
        _, role, scope = next(v for v in ACCOUNTS.values() if v[0] == email)
        user = db.session.scalar(select(User).where(User.email == email))
        actor = Actor(user_id=user.id, email=email, role=role, scope=scope_for_code(db.session, scope))
        import_reviews(db.session, data=Path(path).read_bytes(), filename="tracker.csv", actor=actor, now=NOW,
                       commit=True, limits=limits_from(current_app.config))
        db.session.commit()
    print("FINISHED", flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:4])
