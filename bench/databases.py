"""Benchmark databases: migrated, reference data loaded, benchmark accounts, then N generated reviews.

SQLite databases are kept in bench/out/ between runs, keyed by size and schema (a fresh clone builds them);
PostgreSQL databases live in a throwaway cluster for the run.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "bench" / "out"
PASSWORD = "bench-harbour-quartz-7731"
_MIGRATING = threading.Lock()  # Alembic's context is process-global: one upgrade at a time

# name: (email, role, scope)
ACCOUNTS = {
    "national": ("bench.national@example.com", "national_admin", "ENG"),
    "dp_sub_icb": ("bench.dp.bassetlaw@example.com", "designated_professional", "02Q"),
    "dp_icb": ("bench.dp.ncl@example.com", "designated_professional", "QMJ"),
    "lead": ("bench.lead.midlands@example.com", "regional_lead", "Y60"),
}


@dataclass
class BenchDatabase:
    """A prepared benchmark database."""

    backend: str
    size: int
    url: str
    generation: dict | None  # timing figures of its generation ("cached": True when built by an earlier run)


def schema_key() -> str:
    """A short hash of the migrations and the generator: a cached database is reused only when both match."""
    digest = hashlib.sha256()
    for path in [*sorted((REPO / "migrations" / "versions").glob("*.py")), REPO / "bench" / "generate.py"]:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _prepare(url: str, size: int) -> dict:
    from flask_migrate import upgrade

    from app.extensions import db
    from app.factory import create_app
    from app.orgs.reference import load_reference_data
    from app.people.service import create_user
    from app.types import utcnow
    from bench.generate import load

    app = create_app("test", {"SQLALCHEMY_DATABASE_URI": url, "LOG_LEVEL": "WARNING"})
    with app.app_context():
        with _MIGRATING:
            upgrade(directory=str(REPO / "migrations"))
        load_reference_data(db.session)
        for email, role, scope in ACCOUNTS.values():
            create_user(db.session, email=email, role=role, scope_code=scope, password=PASSWORD, actor=None,
                        now=utcnow(), check_strength=False)
        db.session.commit()
        figures = load(db.engine, size)
        db.engine.dispose()
    return figures


def sqlite_database(size: int) -> BenchDatabase:
    """A SQLite benchmark database of `size` reviews (built once, then copied for each run)."""
    OUT.mkdir(parents=True, exist_ok=True)
    cached = OUT / f"sqlite-{size}-{schema_key()}.db"
    figures = cached.with_suffix(".json")
    if cached.exists() and figures.exists():
        generation = {**json.loads(figures.read_text()), "cached": True}
    else:
        for stale in [*OUT.glob(f"sqlite-{size}-*.db"), *OUT.glob(f"sqlite-{size}-*.json")]:
            stale.unlink()
        building = cached.with_suffix(".building")
        building.unlink(missing_ok=True)
        generation = _prepare(f"sqlite:///{building}", size)
        building.rename(cached)
        figures.write_text(json.dumps(generation))
    working = OUT / f"run-sqlite-{size}.db"
    shutil.copy(cached, working)
    return BenchDatabase("sqlite", size, f"sqlite:///{working}", generation)


def postgres_database(cluster, size: int) -> BenchDatabase:
    """A PostgreSQL benchmark database of `size` reviews in the run's throwaway cluster."""
    url = cluster.create_database(f"bench_{size}")
    return BenchDatabase("postgres", size, url, _prepare(url, size))


def review_count(url: str) -> int:
    """How many reviews a benchmark database holds."""
    from sqlalchemy import create_engine

    from app.reviews.models import Review

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.scalar(select(func.count(Review.id))) or 0
    finally:
        engine.dispose()


def cpu_description() -> str:
    """The machine: CPU model, cores and memory."""
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        mem_kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                      if line.startswith("MemTotal"))
        return f"{model}, {os.cpu_count()} cores, {mem_kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, StopIteration):
        return model


def load_average() -> str:
    """The 1, 5 and 15 minute load averages (the machine is shared: say how busy it was)."""
    try:
        return " / ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"
