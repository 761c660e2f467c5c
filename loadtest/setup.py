"""Load-test data (run as PROD_LOCAL_SETUP, production environment): N generated reviews and the locust accounts.

`python -m loadtest.setup --reviews N --users U --out FILE` loads bench/generate.py's data set into the migrated,
reference-loaded database, creates one account per simulated user (a national admin and regional leads with a
random authenticator key, designated professionals for ICBs and sub-ICB locations), gives each account its own
open reviews to save (so two users never edit the same review) and writes the accounts to FILE (mode 0600).
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import secrets
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

REVIEWS_PER_USER = 20  # open reviews each simulated user saves (timeline updates, edits)


@dataclass
class Account:
    """One simulated user's account and the reviews it alone saves."""

    email: str
    role: str
    scope: str
    password: str = ""
    totp_key: str = ""
    own_reviews: list[int] = field(default_factory=list)  # open, non-rapid: edited and given timeline updates
    identifiers: list[str] = field(default_factory=list)  # local identifiers of own reviews (for searches)


def spread(items: list[str], n: int) -> list[str]:
    """n items spread evenly over a sorted list (repeating when n exceeds it)."""
    if not items or n <= 0:
        return []
    if n >= len(items):
        return [items[i % len(items)] for i in range(n)]
    step = len(items) / n
    return [items[int(i * step)] for i in range(n)]


def plan_accounts(n_users: int, *, regions: list[str], icbs: list[str], locations: list[str]) -> list[Account]:
    """The accounts for n simulated users: one national admin, a regional lead per 20 users (at least one), the
    rest designated professionals, alternately for an ICB and for a sub-ICB location."""
    if n_users < 1:
        raise ValueError("at least one simulated user")
    plan = [Account("load.national@example.com", "national_admin", "ENG")]
    n_leads = min(max(1, n_users // 20), len(regions)) if n_users >= 3 else 0
    plan += [Account(f"load.lead.{code.lower()}@example.com", "regional_lead", code)
             for code in spread(regions, n_leads)]
    n_dps = n_users - len(plan)
    icb_picks = spread(icbs, (n_dps + 1) // 2)
    location_picks = spread(locations, n_dps // 2)
    for i in range(n_dps):
        code = icb_picks[i // 2] if i % 2 == 0 else location_picks[i // 2]
        plan.append(Account(f"load.dp{i + 1:03d}.{code.lower()}@example.com", "designated_professional", code))
    return plan[:n_users]


def _own_reviews(session, account: Account, taken: set[int]) -> tuple[list[int], list[str]]:
    from sqlalchemy import select

    from app.orgs.scope import scope_for_code
    from app.reviews.access import in_scope
    from app.reviews.models import Review

    scope = scope_for_code(session, account.scope)
    rows = session.execute(
        select(Review.id, Review.local_identifier)
        .where(in_scope(scope), Review.status == "open", Review.review_type != "RAPID")
        .order_by(Review.id.desc()).limit(REVIEWS_PER_USER + len(taken))
    ).all()
    mine = [(i, ident) for i, ident in rows if i not in taken][:REVIEWS_PER_USER]
    taken.update(i for i, _ in mine)
    return [i for i, _ in mine], [ident for _, ident in mine if ident]


def prepare(n_reviews: int, n_users: int, out: Path) -> dict:
    """Load the data set, create the accounts and write them to `out`; returns timing figures."""
    from sqlalchemy import func, select, text

    from app.extensions import db
    from app.factory import create_app
    from app.orgs.models import IntegratedCareBoard, Region, SubIcbLocation
    from app.people.models import User
    from app.people.service import create_user
    from app.people.signin_rules import two_factor_required_for
    from app.people.twofactor import enrol_authenticator
    from app.reviews.models import Review
    from app.types import utcnow
    from bench.generate import load

    app = create_app()
    figures: dict = {}
    with app.app_context():
        session = db.session
        empty = session.scalar(select(func.count(Review.id))) == 0
        session.commit()  # end the read transaction: the generator drops indexes, which waits for its lock
        if empty and n_reviews > 0:
            figures["generation"] = load(db.engine, n_reviews)
        regions = list(session.scalars(select(Region.code).order_by(Region.code)))
        icbs = list(session.scalars(select(IntegratedCareBoard.code).order_by(IntegratedCareBoard.code)))
        locations = list(session.scalars(select(SubIcbLocation.code).order_by(SubIcbLocation.code)))
        accounts = plan_accounts(n_users, regions=regions, icbs=icbs, locations=locations)
        started = time.perf_counter()
        taken: set[int] = set()
        # Narrowest scopes first, so a national admin's reviews do not use up a sub-ICB location's few.
        order = {"designated_professional": 0, "regional_lead": 1, "national_admin": 2}
        for account in sorted(accounts, key=lambda a: (order[a.role], len(a.scope) == 5)):
            account.password = secrets.token_urlsafe(18)
            user = create_user(session, email=account.email, role=account.role, scope_code=account.scope,
                               password=account.password, actor=None, now=utcnow(), check_strength=False)
            if two_factor_required_for(account.role, required_roles=app.config["TWO_FACTOR_REQUIRED_ROLES"],
                                       required_for_all=app.config["TWO_FACTOR_REQUIRED_FOR_ALL"]):
                account.totp_key = base64.b32encode(secrets.token_bytes(20)).decode()
                enrol_authenticator(session, user=user, base32_key=account.totp_key,
                                    totp_secrets=app.config["SECURITY_TOTP_SECRETS"],
                                    issuer=app.config["SECURITY_TOTP_ISSUER"], actor=None, now=utcnow())
            account.own_reviews, account.identifiers = _own_reviews(session, account, taken)
        session.commit()
        figures["accounts_seconds"] = time.perf_counter() - started
        figures["reviews"] = session.scalar(select(func.count(Review.id)))
        figures["users"] = session.scalar(select(func.count(User.id)))
        figures["data_directory"] = session.execute(text("SHOW data_directory")).scalar()
        figures["database_size"] = session.execute(
            text("SELECT pg_size_pretty(pg_database_size(current_database()))")).scalar()
    out.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump({"accounts": [asdict(a) for a in accounts], "figures": figures,
                   "redis_url": os.environ.get("REDIS_URL", "")}, fh, indent=1)
    return figures


def main() -> None:
    """Command line: --reviews N --users U --out FILE."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reviews", type=int, required=True)
    parser.add_argument("--users", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    figures = prepare(args.reviews, args.users, args.out)
    print(f"load-test setup: {json.dumps(figures, default=str)}", flush=True)


if __name__ == "__main__":
    main()
