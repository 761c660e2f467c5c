"""A throwaway PostgreSQL cluster (initdb + pg_ctl) on a free loopback port, with password authentication.

As root (CI), initdb refuses to run, so the server binaries run (via runuser) as the `postgres` system user
(created by Debian's package) or, failing that, a dedicated `trackerpg` system user created on first use. That
user must reach the data directory: a base_dir it cannot traverse (pytest's tmp_path as root) is replaced by a
fresh 0755 directory under /tmp, with a RuntimeWarning.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import re
import secrets
import shutil
import signal
import subprocess
import tempfile
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

import psycopg
from psycopg import sql

from devtools._guard import Reaper, forget_at_exit, spawn_reaper, stop_at_exit
from devtools.ports import free_port

HOST = "127.0.0.1"
SUPERUSER = "tracker"
FALLBACK_OS_USER = "trackerpg"
PG_LIB_DIR = Path("/usr/lib/postgresql")  # Debian: <version>/bin/{initdb,pg_ctl,postgres}
APT_HINT = "install the Debian package: apt-get install -y postgresql"
_NAME_RE = re.compile(r"\A[A-Za-z_][A-Za-z0-9_]{0,62}\Z")
_BIND_ATTEMPTS = 3


def pg_bin_dir() -> Path:
    """Directory holding initdb, pg_ctl and postgres: PATH first, then the highest /usr/lib/postgresql/*/bin."""
    found = shutil.which("initdb")
    if found and (Path(found).parent / "pg_ctl").exists():
        return Path(found).parent
    candidates = [p.parent for p in PG_LIB_DIR.glob("*/bin/initdb") if (p.parent / "pg_ctl").exists()]
    versions = [(int(m.group(1)), d) for d in candidates if (m := re.fullmatch(r"(\d+)", d.parent.name))]
    if not versions:
        raise RuntimeError(
            f"PostgreSQL server binaries (initdb, pg_ctl) not found on PATH or in {PG_LIB_DIR}/*/bin: {APT_HINT}"
        )
    return max(versions)[1]


def _os_user() -> str | None:
    """The unprivileged account to run the server as when we are root (None: run as ourselves)."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", FALLBACK_OS_USER):
        with contextlib.suppress(KeyError):
            pwd.getpwnam(name)
            return name
    subprocess.run(
        ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", FALLBACK_OS_USER],
        check=True,
        capture_output=True,
    )
    return FALLBACK_OS_USER


def _run(user: str | None, argv: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run a server binary, as `user` via runuser when we are root."""
    full = argv if user is None else ["runuser", "-u", user, "--", *argv]
    return subprocess.run(full, cwd=cwd, capture_output=True, text=True, stdin=subprocess.DEVNULL, check=False)


def _tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _conf_quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


@dataclass
class PostgresCluster:
    """A running throwaway cluster started by `start_postgres`; `stop()` deletes it."""

    url: str = field(repr=False)
    port: int
    datadir: Path
    dbname: str
    user: str
    password: str = field(repr=False)
    pid: int
    _root: Path = field(repr=False)
    _bin: Path = field(repr=False)
    _os_user: str | None = field(repr=False)
    _reaper: Reaper | None = field(default=None, repr=False)
    _stopped: bool = field(default=False, repr=False)

    def url_for(self, name: str) -> str:
        """SQLAlchemy URL (postgresql+psycopg) for database `name` in this cluster."""
        return f"postgresql+psycopg://{self.user}:{self.password}@{HOST}:{self.port}/{name}"

    def connect(self, dbname: str | None = None, **kwargs: object) -> psycopg.Connection:
        """Open a psycopg connection over TCP with the password (to `dbname`, default the cluster's database)."""
        return psycopg.connect(
            host=HOST, port=self.port, user=self.user, password=self.password,
            dbname=dbname or self.dbname, connect_timeout=5, **kwargs,
        )  # fmt: skip

    def create_database(self, name: str, *, template: str | None = None) -> str:
        """Create database `name` (letters, digits, underscores), optionally cloned from `template`; return its URL."""
        _check_name(name)
        query = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template is not None:
            _check_name(template)  # a template must have no open sessions while it is copied
            query = sql.SQL("{} TEMPLATE {}").format(query, sql.Identifier(template))
        with self.connect("postgres", autocommit=True) as conn:
            conn.execute(query)
        return self.url_for(name)

    def drop_database(self, name: str) -> None:
        """Drop database `name` if it exists, disconnecting its sessions."""
        _check_name(name)
        with self.connect("postgres", autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

    def stop(self) -> None:
        """Fast shutdown (pg_ctl stop -m fast), SIGKILL if that fails, then delete the cluster directory."""
        if self._stopped:
            return
        self._stopped = True
        forget_at_exit(self)
        ctl = [str(self._bin / "pg_ctl"), "-D", str(self.datadir), "-m", "fast", "-w", "-t", "30", "-s", "stop"]
        if _run(self._os_user, ctl, self._root).returncode != 0:
            with contextlib.suppress(OSError):
                os.kill(self.pid, signal.SIGKILL)  # its backends exit when the postmaster dies
            time.sleep(0.5)
        if self._reaper is not None:
            self._reaper.release()
            self._reaper = None
        shutil.rmtree(self._root, ignore_errors=True)

    def __enter__(self) -> PostgresCluster:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def _check_name(name: str) -> None:
    if not _NAME_RE.match(name):
        raise ValueError(f"database name must match {_NAME_RE.pattern}: {name!r}")


def _make_root(parent: Path, user: str | None) -> tuple[Path, Path] | None:
    """Create <parent>/tracker-pg-*/ (0755) and its data/ (0700, owned by `user`); None if `user` cannot reach it."""
    parent.mkdir(parents=True, exist_ok=True)
    root = Path(tempfile.mkdtemp(prefix="tracker-pg-", dir=parent))
    root.chmod(0o755)
    datadir = root / "data"
    datadir.mkdir(mode=0o700)
    if user is not None:
        info = pwd.getpwnam(user)
        os.chown(datadir, info.pw_uid, info.pw_gid)
        if _run(user, ["test", "-w", str(datadir)], root).returncode != 0:
            shutil.rmtree(root, ignore_errors=True)
            return None
    return root, datadir


def _prepare_root(base_dir: Path | None, user: str | None) -> tuple[Path, Path]:
    """The cluster's fresh directories: under base_dir, or /tmp when root and base_dir is out of `user`'s reach."""
    if base_dir is not None and (made := _make_root(Path(base_dir), user)) is not None:
        return made
    if base_dir is not None:  # typically pytest's tmp_path as root: /tmp/pytest-of-root is 0700
        warnings.warn(
            f"PostgreSQL runs as OS user {user!r}, which cannot reach {base_dir} (a parent directory lacks o+x);"
            " the throwaway cluster goes under /tmp instead",
            RuntimeWarning,
            stacklevel=3,
        )
    made = _make_root(Path("/tmp" if user else tempfile.gettempdir()), user)
    if made is None:
        raise RuntimeError(f"PostgreSQL runs as OS user {user!r}, which cannot reach a fresh directory under /tmp")
    return made


def _initdb(bin_dir: Path, user: str | None, root: Path, datadir: Path, password: str) -> None:
    pwfile = root / "pwfile"  # mode 0600, owned by the server's user, removed right after initdb
    pwfile.touch(mode=0o600)
    pwfile.write_text(password + "\n")
    if user is not None:
        info = pwd.getpwnam(user)
        os.chown(pwfile, info.pw_uid, info.pw_gid)
    argv = [str(bin_dir / "initdb"), "-D", str(datadir), "-U", SUPERUSER, f"--pwfile={pwfile}"]
    argv += ["--auth=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync", "--no-instructions"]
    try:
        done = _run(user, argv, root)
    finally:
        pwfile.unlink(missing_ok=True)
    if done.returncode != 0:
        raise RuntimeError(f"initdb failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")


def _configure(datadir: Path, port: int) -> None:
    settings = {
        "listen_addresses": _conf_quote(HOST),
        "port": str(port),
        "unix_socket_directories": _conf_quote(str(datadir)),
        "fsync": "off",
        "synchronous_commit": "off",
        "full_page_writes": "off",
        "wal_level": "minimal",
        "max_wal_senders": "0",
        "shared_buffers": "64MB",
        "max_connections": "100",
        "timezone": "'UTC'",
    }
    with open(datadir / "postgresql.conf", "a") as conf:  # later lines win over initdb's defaults
        conf.write("\n# devtools.postgres (throwaway cluster)\n")
        conf.writelines(f"{key} = {value}\n" for key, value in settings.items())


def start_postgres(
    *, port: int | None = None, base_dir: Path | None = None, dbname: str = "tracker"
) -> PostgresCluster:
    """initdb a fresh cluster, start it on 127.0.0.1 with a random password and create database `dbname`."""
    _check_name(dbname)
    bin_dir = pg_bin_dir()
    user = _os_user()
    password = secrets.token_urlsafe(24)
    root, datadir = _prepare_root(base_dir, user)
    log = datadir / "server.log"
    try:
        _initdb(bin_dir, user, root, datadir, password)
        error = ""
        for _attempt in range(1 if port is not None else _BIND_ATTEMPTS):
            chosen = port if port is not None else free_port(HOST)
            _configure(datadir, chosen)
            ctl = [str(bin_dir / "pg_ctl"), "-D", str(datadir), "-l", str(log), "-w", "-t", "30", "-s", "start"]
            done = _run(user, ctl, root)
            if done.returncode == 0:
                break
            error = (
                f"pg_ctl start failed ({done.returncode}): {done.stderr.strip()}\n--- {log} (tail) ---\n{_tail(log)}"
            )
            if "could not bind" not in error and "already in use" not in error:
                raise RuntimeError(error)
        else:
            raise RuntimeError(error)
        pid = int((datadir / "postmaster.pid").read_text().split("\n", 1)[0])
    except BaseException:
        if (datadir / "postmaster.pid").exists():
            _run(user, [str(bin_dir / "pg_ctl"), "-D", str(datadir), "-m", "immediate", "-s", "stop"], root)
        shutil.rmtree(root, ignore_errors=True)
        raise
    cluster = PostgresCluster(
        url="", port=chosen, datadir=datadir, dbname=dbname, user=SUPERUSER, password=password, pid=pid,
        _root=root, _bin=bin_dir, _os_user=user,
    )  # fmt: skip
    cluster._reaper = spawn_reaper(pids=[(pid, signal.SIGINT)], rmtree=[root])  # SIGINT = fast shutdown
    stop_at_exit(cluster, cluster.stop)
    try:
        cluster.url = cluster.create_database(dbname)
    except BaseException:
        cluster.stop()
        raise
    return cluster
