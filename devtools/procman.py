"""A tiny foreground process manager for `make run`: prefixed output, one process group each, all-or-nothing."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from devtools._guard import alive, spawn_reaper

STOP_TIMEOUT = 8.0  # seconds between SIGTERM and SIGKILL
_COLOURS = (36, 33, 32, 35, 34, 31)


@dataclass
class Proc:
    """A process to run: `env` is added to (not substituted for) the current environment."""

    name: str
    argv: list[str]
    env: dict[str, str] | None = None
    cwd: Path | None = None


class _Output:
    """Writes whole lines to stdout, prefixed with a padded (coloured on a tty) name."""

    def __init__(self, names: list[str]) -> None:
        self.width = max(len(n) for n in [*names, "procman"])
        self.tty = sys.stdout.isatty()
        self.lock = threading.Lock()

    def prefix(self, name: str, index: int) -> str:
        label = name.ljust(self.width)
        return f"\x1b[{_COLOURS[index % len(_COLOURS)]}m{label} |\x1b[0m " if self.tty else f"{label} | "

    def write(self, prefix: str, line: str) -> None:
        with self.lock:
            sys.stdout.write(prefix + line.rstrip("\r\n") + "\n")
            sys.stdout.flush()

    def pump(self, stream: IO[bytes], prefix: str) -> None:
        for raw in iter(stream.readline, b""):
            self.write(prefix, raw.decode("utf-8", errors="replace"))
        stream.close()


def _exit_code(returncode: int) -> int:
    return 128 - returncode if returncode < 0 else returncode


def _stop_groups(children: list[subprocess.Popen[bytes]], hurry: threading.Event) -> None:
    """SIGTERM every process group, wait up to STOP_TIMEOUT (less if `hurry` is set), then SIGKILL what is left."""
    pgids = [c.pid for c in children]
    for pgid in pgids:
        with contextlib.suppress(OSError):
            os.killpg(pgid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT
    while time.monotonic() < deadline and not hurry.is_set():
        for child in children:
            child.poll()  # reap leaders so they stop counting as alive
        if not alive(pgids, []):
            break
        time.sleep(0.05)
    for pgid in pgids:
        if alive([pgid], []):
            with contextlib.suppress(OSError):
                os.killpg(pgid, signal.SIGKILL)
    for child in children:
        child.wait()


def run_foreground(procs: list[Proc], *, on_ready: Callable[[], None] | None = None) -> int:
    """Run `procs` until one exits (its exit code is returned) or SIGINT/SIGTERM arrives (128+signal); stop all."""
    if not procs:
        raise ValueError("nothing to run")
    out = _Output([p.name for p in procs])
    me = out.prefix("procman", len(procs))
    signals: list[int] = []
    wake, hurry = threading.Event(), threading.Event()

    def on_signal(signum: int, _frame: object) -> None:
        if signals:
            hurry.set()  # a second Ctrl-C: SIGKILL now
        signals.append(signum)
        wake.set()

    previous: dict[int, object] = {}
    if threading.current_thread() is threading.main_thread():
        previous = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    children: list[subprocess.Popen[bytes]] = []
    pumps: list[threading.Thread] = []
    reaper = None
    try:
        for index, proc in enumerate(procs):
            child = subprocess.Popen(
                proc.argv,
                env={**os.environ, "PYTHONUNBUFFERED": "1", **(proc.env or {})},
                cwd=proc.cwd,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                process_group=0,  # Ctrl-C reaches only us; we stop each group ourselves
            )
            children.append(child)
            assert child.stdout is not None
            pump = threading.Thread(target=out.pump, args=(child.stdout, out.prefix(proc.name, index)), daemon=True)
            pump.start()
            pumps.append(pump)
            out.write(me, f"started {proc.name} (pid {child.pid})")
        reaper = spawn_reaper(pgids=[c.pid for c in children])  # if we are SIGKILLed, the groups still go
        if on_ready is not None:
            on_ready()
        code: int | None = None
        while code is None and not signals:
            for proc, child in zip(procs, children, strict=True):
                if (returncode := child.poll()) is not None:
                    out.write(me, f"{proc.name} exited with code {returncode}: stopping the others")
                    code = _exit_code(returncode)
                    break
            else:
                wake.wait(0.1)
        if code is None:
            out.write(me, f"got {signal.Signals(signals[0]).name}: stopping everything")
            code = 128 + signals[0]
        return code
    finally:
        _stop_groups(children, hurry)
        if reaper is not None:
            reaper.release()
        for pump in pumps:
            pump.join(timeout=2)
        for signum, handler in previous.items():
            signal.signal(signum, handler)  # type: ignore[arg-type]
