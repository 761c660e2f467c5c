"""devtools.redis_server: a real password-protected redis-server on a free loopback port."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import redis
from devtools_testutil import REPO_ROOT, pid_gone
from redis.backoff import NoBackoff
from redis.retry import Retry

from devtools.ports import free_port
from devtools.redis_server import start_redis


def test_free_port_is_bindable() -> None:
    port = free_port()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))


def test_set_get_with_password_and_refusal_without() -> None:
    with start_redis() as server:
        assert server.url == f"redis://:{server.password}@127.0.0.1:{server.port}/0"
        assert server.is_running()
        client = redis.Redis.from_url(server.url)
        client.set("case", "SAR-1")
        assert client.get("case") == b"SAR-1"
        client.close()
        no_retry = Retry(NoBackoff(), 0)
        for password in (None, "wrong"):
            stranger = redis.Redis(host="127.0.0.1", port=server.port, password=password, retry=no_retry)
            with pytest.raises(redis.AuthenticationError):
                stranger.get("case")
        assert server.password not in repr(server)
        assert server.password.encode() not in Path(f"/proc/{server.pid}/cmdline").read_bytes()
        pid, workdir = server.pid, server.workdir
    assert not server.is_running()
    assert pid_gone(pid)
    assert not workdir.exists()


def test_stop_is_idempotent() -> None:
    server = start_redis()
    server.stop()
    server.stop()
    assert pid_gone(server.pid)


def test_persist_keeps_data_across_restarts(tmp_path) -> None:
    with start_redis(workdir=tmp_path, persist=True) as first:
        first.client().rpush("celery", "job-1")
    with start_redis(workdir=tmp_path, persist=True) as second:
        assert second.client().lrange("celery", 0, -1) == [b"job-1"]
    assert tmp_path.exists()


def test_not_persistent_by_default(tmp_path) -> None:
    with start_redis(workdir=tmp_path) as first:
        first.client().set("k", "v")
    with start_redis(workdir=tmp_path) as second:
        assert second.client().get("k") is None


def test_taken_port_gives_clear_error() -> None:
    with start_redis() as server, pytest.raises(RuntimeError, match="could not start redis-server"):
        start_redis(port=server.port)


def test_owner_killed_watchdog_stops_redis(tmp_path) -> None:
    script = textwrap.dedent(
        f"""
        import sys, time
        sys.path.insert(0, {str(REPO_ROOT)!r})
        from devtools.redis_server import start_redis
        s = start_redis()
        print(s.pid, s.workdir, flush=True)
        time.sleep(120)
        """
    )
    with subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True) as owner:
        try:
            assert owner.stdout is not None
            pid_text, workdir = owner.stdout.readline().split()
            os.kill(owner.pid, signal.SIGKILL)
            owner.wait()
            assert pid_gone(int(pid_text))
            for _ in range(100):
                if not os.path.exists(workdir):
                    break
                time.sleep(0.05)
            assert not os.path.exists(workdir)
        finally:
            if owner.poll() is None:
                owner.kill()
                owner.wait()


def test_forgotten_server_is_stopped_at_exit_but_not_by_a_forked_child() -> None:
    script = textwrap.dedent(
        f"""
        import os, sys
        sys.path.insert(0, {str(REPO_ROOT)!r})
        from devtools.redis_server import start_redis
        s = start_redis()
        child = os.fork()
        if child == 0:
            sys.exit(0)  # runs atexit in the child: it must not stop the parent's server
        os.waitpid(child, 0)
        print(s.pid, s.workdir, s.is_running(), s.client().ping(), flush=True)
        # exits without calling stop()
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True)
    pid_text, workdir, running, ping = done.stdout.split()
    assert (running, ping) == ("True", "True")
    assert pid_gone(int(pid_text))
    assert not os.path.exists(workdir)
