"""Leak guards: stop started services at interpreter exit, or from a watchdog if their owner dies abruptly.

`spawn_reaper` starts this file as a tiny stdlib-only watchdog process in its own session. It holds the read
end of a pipe whose write end only the owner has. `Reaper.release()` (normal stop) tells it to exit quietly;
end-of-file without that word means the owner died (SIGKILL, SIGTERM, os._exit, crash), so the watchdog
signals the registered process groups / pids, waits, SIGKILLs survivors and removes the registered paths.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path

_RELEASE = b"release"
_GRACE_SECONDS = 10.0


class Reaper:
    """The owner's side of a watchdog process."""

    def __init__(self, proc: subprocess.Popen[bytes], write_fd: int) -> None:
        self._proc = proc
        self._fd: int | None = write_fd

    def release(self) -> None:
        """Tell the watchdog that the service was stopped normally, so it exits without acting."""
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        try:
            os.write(fd, _RELEASE)
        except OSError:
            pass
        finally:
            os.close(fd)
        try:
            self._proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()


def spawn_reaper(
    *,
    pgids: Iterable[int] = (),
    pids: Iterable[tuple[int, int]] = (),
    rmtree: Iterable[Path] = (),
) -> Reaper:
    """Start a watchdog that, if this process dies first, signals `pgids` (SIGTERM) and `pids` ((pid, signal)),
    SIGKILLs what survives 10 s, then removes the `rmtree` paths."""
    spec = {
        "pgids": [int(p) for p in pgids],
        "pids": [[int(p), int(s)] for p, s in pids],
        "rmtree": [str(p) for p in rmtree],
    }
    read_fd, write_fd = os.pipe()  # both non-inheritable: no other child keeps the owner's end open
    try:
        proc = subprocess.Popen(
            [sys.executable, "-I", "-S", str(Path(__file__).resolve()), json.dumps(spec)],
            stdin=read_fd,
            stdout=subprocess.DEVNULL,
            start_new_session=True,  # Ctrl-C in the terminal must not kill the watchdog before it can act
        )
    except BaseException:
        os.close(write_fd)
        raise
    finally:
        os.close(read_fd)
    return Reaper(proc, write_fd)


_at_exit: dict[int, tuple[int, Callable[[], None]]] = {}
_at_exit_lock = threading.Lock()


def stop_at_exit(key: object, stop: Callable[[], None]) -> None:
    """Call `stop` at interpreter exit unless `forget_at_exit(key)` ran first."""
    with _at_exit_lock:
        _at_exit[id(key)] = (os.getpid(), stop)


def forget_at_exit(key: object) -> None:
    """Drop the exit-time stop registered for `key`."""
    with _at_exit_lock:
        _at_exit.pop(id(key), None)


@atexit.register
def _stop_all() -> None:
    with _at_exit_lock:
        stops = [stop for pid, stop in _at_exit.values() if pid == os.getpid()]  # not in a forked child
        _at_exit.clear()
    for stop in reversed(stops):
        try:
            stop()
        except Exception as exc:  # keep stopping the others
            print(f"devtools: cleanup failed: {exc!r}", file=sys.stderr)


def _state(pid: int) -> tuple[str, int] | None:
    """(state letter, process group) of a live process from /proc, or None if it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2 :].split()
    return fields[0], int(fields[2])


def alive(pgids: list[int], pids: list[int]) -> bool:
    """True while a registered pid or any member of a registered group runs (zombies do not count)."""
    for pid in pids:
        state = _state(pid)
        if state is not None and state[0] != "Z":
            return True
    if pgids:
        wanted = set(pgids)
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                state = _state(int(entry.name))
                if state is not None and state[0] != "Z" and state[1] in wanted:
                    return True
    return False


def _send(pgids: list[int], pids: list[tuple[int, int]], kill: bool) -> None:
    for pgid in pgids:
        with contextlib.suppress(OSError):
            os.killpg(pgid, signal.SIGKILL if kill else signal.SIGTERM)
    for pid, sig in pids:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL if kill else sig)


def _watch(spec: dict) -> None:
    """Watchdog body: wait for the owner to release or die, then clean up after it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    data = b""
    try:
        while chunk := os.read(0, 64):
            data += chunk
    except OSError:
        pass
    if data.startswith(_RELEASE):
        return
    pgids = spec["pgids"]
    pids = [(p, s) for p, s in spec["pids"]]
    _send(pgids, pids, kill=False)
    deadline = time.monotonic() + _GRACE_SECONDS
    while alive(pgids, [p for p, _ in pids]) and time.monotonic() < deadline:
        time.sleep(0.1)
    if alive(pgids, [p for p, _ in pids]):
        _send(pgids, pids, kill=True)
        time.sleep(0.5)
    for path in spec["rmtree"]:
        shutil.rmtree(path, ignore_errors=True)


if __name__ == "__main__":
    _watch(json.loads(sys.argv[1]))
