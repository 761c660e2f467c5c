"""devtools.postgres: a real throwaway PostgreSQL cluster (as root here: the server runs as `postgres`)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import psycopg
import pytest
from devtools_testutil import REPO_ROOT, pid_gone

from devtools import postgres
from devtools.postgres import start_postgres


@pytest.fixture(scope="module")
def cluster():
    with start_postgres() as running:
        yield running


def test_url_and_tcp_password_login(cluster) -> None:
    assert cluster.url == f"postgresql+psycopg://tracker:{cluster.password}@127.0.0.1:{cluster.port}/tracker"
    assert cluster.password not in repr(cluster)
    with cluster.connect() as conn:
        assert conn.execute("SHOW listen_addresses").fetchone() == ("127.0.0.1",)
        assert conn.execute("SHOW server_encoding").fetchone() == ("UTF8",)
        assert conn.execute("SHOW fsync").fetchone() == ("off",)
        assert conn.execute("SHOW password_encryption").fetchone() == ("scram-sha-256",)
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        psycopg.connect(host="127.0.0.1", port=cluster.port, user="tracker", password="wrong", dbname="tracker")


def test_create_table_insert_select(cluster) -> None:
    with cluster.connect() as conn:
        conn.execute("CREATE TABLE review (id serial PRIMARY KEY, title text NOT NULL, due timestamptz)")
        conn.execute("INSERT INTO review (title, due) VALUES (%s, %s)", ("Rapid review: Ødegård", "2026-03-29 01:30Z"))
        conn.commit()
        assert conn.execute("SELECT title, due::text FROM review").fetchall() == [
            ("Rapid review: Ødegård", "2026-03-29 01:30:00+00")
        ]


def test_create_and_drop_database(cluster) -> None:
    url = cluster.create_database("tracker_test_1")
    assert url == cluster.url_for("tracker_test_1")
    assert url.endswith(f"@127.0.0.1:{cluster.port}/tracker_test_1")
    with cluster.connect("tracker_test_1") as conn:
        conn.execute("CREATE TABLE t (x int)")
        conn.commit()
        other = cluster.connect("tracker_test_1")  # an open session does not block the drop
    cluster.drop_database("tracker_test_1")
    other.close()
    with cluster.connect("postgres") as conn:
        assert conn.execute("SELECT count(*) FROM pg_database WHERE datname = 'tracker_test_1'").fetchone() == (0,)


@pytest.mark.parametrize("name", ["", "a-b", 'x"; DROP DATABASE tracker; --', "1abc", "a" * 64])
def test_database_names_are_validated(cluster, name: str) -> None:
    with pytest.raises(ValueError):
        cluster.create_database(name)


def test_stop_removes_directory_and_process(tmp_path: Path) -> None:
    started = time.monotonic()
    running = start_postgres(dbname="other_name")
    assert time.monotonic() - started < 30
    assert running.url.endswith("/other_name")
    datadir, pid = running.datadir, running.pid
    assert (datadir / "PG_VERSION").read_text().strip() == "15"
    if os.geteuid() == 0:
        assert datadir.stat().st_uid != 0  # initdb refuses root: the server runs as an unprivileged user
    running.stop()
    assert pid_gone(pid)
    assert not datadir.exists() and not datadir.parent.exists()
    running.stop()  # idempotent


def test_taken_port_gives_clear_error(cluster) -> None:
    with pytest.raises(RuntimeError, match="pg_ctl start failed"):
        start_postgres(port=cluster.port)


def test_missing_binaries_name_the_apt_package(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(postgres, "PG_LIB_DIR", tmp_path / "nowhere")
    with pytest.raises(RuntimeError, match="apt-get install -y postgresql"):
        postgres.pg_bin_dir()


def test_bin_dir_prefers_highest_debian_version(monkeypatch, tmp_path: Path) -> None:
    for version in ("9", "15", "13"):
        (tmp_path / version / "bin").mkdir(parents=True)
        for tool in ("initdb", "pg_ctl"):
            (tmp_path / version / "bin" / tool).touch()
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.setattr(postgres, "PG_LIB_DIR", tmp_path)
    assert postgres.pg_bin_dir() == tmp_path / "15" / "bin"


def test_owner_killed_watchdog_stops_cluster() -> None:
    script = textwrap.dedent(
        f"""
        import sys, time
        sys.path.insert(0, {str(REPO_ROOT)!r})
        from devtools.postgres import start_postgres
        c = start_postgres()
        print(c.pid, c.datadir, flush=True)
        time.sleep(120)
        """
    )
    with subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True) as owner:
        try:
            assert owner.stdout is not None
            pid_text, datadir = owner.stdout.readline().split()
            os.kill(owner.pid, signal.SIGKILL)
            owner.wait()
            assert pid_gone(int(pid_text), timeout=15)
            deadline = time.monotonic() + 15
            while Path(datadir).exists() and time.monotonic() < deadline:
                time.sleep(0.1)
            assert not Path(datadir).exists()
        finally:
            if owner.poll() is None:
                owner.kill()
                owner.wait()


@pytest.mark.skipif(os.geteuid() != 0, reason="only root hands the cluster to another OS user")
def test_root_with_unreachable_base_dir_falls_back_to_tmp(tmp_path: Path) -> None:
    private = tmp_path / "private"  # pytest's tmp_path is under /tmp/pytest-of-root (0700) anyway
    private.mkdir(mode=0o700)
    with pytest.warns(RuntimeWarning, match="cannot reach"), start_postgres(base_dir=private) as fallback:
        assert fallback.datadir.parent.parent == Path("/tmp")
        with fallback.connect() as conn:
            assert conn.execute("SELECT 1").fetchone() == (1,)
    assert list(private.iterdir()) == []
    assert not fallback.datadir.exists()


def test_reachable_base_dir_is_used() -> None:
    base = Path(tempfile.mkdtemp(prefix="tracker-pg-base-", dir="/tmp"))
    try:
        base.chmod(0o755)
        with start_postgres(base_dir=base) as inside:
            assert inside.datadir.parent.parent == base
        assert list(base.iterdir()) == []
    finally:
        shutil.rmtree(base, ignore_errors=True)


def test_create_database_from_template(cluster) -> None:
    with cluster.connect("postgres", autocommit=True) as conn:
        conn.execute("CREATE DATABASE template_x")
    with cluster.connect("template_x") as conn:
        conn.execute("CREATE TABLE org (code text PRIMARY KEY)")
        conn.execute("INSERT INTO org VALUES ('E38000001')")
        conn.commit()
    url = cluster.create_database("t_clone", template="template_x")
    assert url.endswith("/t_clone")
    with cluster.connect("t_clone") as conn:
        assert conn.execute("SELECT code FROM org").fetchall() == [("E38000001",)]
    cluster.drop_database("t_clone")
    cluster.drop_database("template_x")
