"""devtools.procman: real child processes, stopped as whole process groups."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from devtools_testutil import REPO_ROOT, pid_gone

from devtools import procman
from devtools.procman import Proc, run_foreground

# A long-running child that records its pid and the pid of a grandchild it starts (same process group).
SLEEPER = textwrap.dedent(
    """
    import os, subprocess, sys, time
    grandchild = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    with open(sys.argv[1] + ".tmp", "w") as fh:
        fh.write(f"{os.getpid()} {grandchild.pid}")
    os.replace(sys.argv[1] + ".tmp", sys.argv[1])
    print("sleeper up", flush=True)
    time.sleep(120)
    """
)


def _wait_file(path: Path, timeout: float = 10) -> str:
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.02)
    return path.read_text()


def test_one_exits_the_others_are_stopped_and_code_propagates(tmp_path: Path, capsys) -> None:
    pids_file = tmp_path / "sleeper.pids"
    quitter = "import os, sys, time\nwhile not os.path.exists(sys.argv[1]): time.sleep(0.02)\nprint('bye'); sys.exit(3)"
    ready: list[bool] = []
    code = run_foreground(
        [
            Proc("sleeper", [sys.executable, "-c", SLEEPER, str(pids_file)]),
            Proc("web", [sys.executable, "-c", quitter, str(pids_file)], env={"TRACKER_ENV": "test"}),
        ],
        on_ready=lambda: ready.append(True),
    )
    assert code == 3
    assert ready == [True]
    sleeper_pid, grandchild_pid = map(int, pids_file.read_text().split())
    assert pid_gone(sleeper_pid, timeout=0) and pid_gone(grandchild_pid)
    lines = capsys.readouterr().out.splitlines()
    assert "web     | bye" in lines
    assert "sleeper | sleeper up" in lines
    assert any(line.startswith("procman | web exited with code 3") for line in lines)


def test_env_and_cwd_reach_the_child(tmp_path: Path, capsys) -> None:
    code = run_foreground(
        [
            Proc(
                "env",
                [sys.executable, "-c", "import os; print(os.getcwd(), os.environ['X_DEV'])"],
                {"X_DEV": "1"},
                tmp_path,
            )
        ]
    )
    assert code == 0
    assert f"env     | {tmp_path} 1" in capsys.readouterr().out.splitlines()


def test_child_ignoring_sigterm_is_killed(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setattr(procman, "STOP_TIMEOUT", 1.0)
    pid_file = tmp_path / "stubborn.pid"
    stubborn = (
        "import os, signal, sys, time\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
        "open(sys.argv[1], 'w').write(str(os.getpid()))\ntime.sleep(120)"
    )
    quitter = "import os, sys, time\nwhile not os.path.exists(sys.argv[1]): time.sleep(0.02)\ntime.sleep(0.2)"
    started = time.monotonic()
    code = run_foreground(
        [
            Proc("stubborn", [sys.executable, "-c", stubborn, str(pid_file)]),
            Proc("quitter", [sys.executable, "-c", quitter, str(pid_file)]),
        ]
    )
    assert code == 0
    assert pid_gone(int(pid_file.read_text()), timeout=0)
    assert 1.0 <= time.monotonic() - started < 8


def test_signal_exit_codes() -> None:
    assert procman._exit_code(-signal.SIGKILL) == 137
    assert procman._exit_code(2) == 2


def test_missing_program_stops_what_already_started(tmp_path: Path) -> None:
    pids_file = tmp_path / "sleeper.pids"
    with pytest.raises(FileNotFoundError):
        run_foreground(
            [
                Proc("sleeper", [sys.executable, "-c", SLEEPER, str(pids_file)]),
                Proc("ghost", [str(tmp_path / "no-such-program")]),
            ]
        )
    if pids_file.exists():  # the sleeper may have been stopped before it wrote its pids
        assert all(pid_gone(int(pid)) for pid in pids_file.read_text().split())


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_signal_to_the_manager_stops_everything(tmp_path: Path, signum: int) -> None:
    files = [tmp_path / "a.pids", tmp_path / "b.pids"]
    manager = textwrap.dedent(
        f"""
        import sys
        sys.path.insert(0, {str(REPO_ROOT)!r})
        from devtools.procman import Proc, run_foreground
        sleeper = {SLEEPER!r}
        files = {[str(f) for f in files]!r}
        sys.exit(run_foreground([Proc(f"p{{i}}", [sys.executable, "-c", sleeper, f]) for i, f in enumerate(files)]))
        """
    )
    with subprocess.Popen([sys.executable, "-c", manager], stdout=subprocess.PIPE, text=True) as proc:
        try:
            pids = [int(p) for f in files for p in _wait_file(f).split()]
            assert all(not pid_gone(pid, timeout=0) for pid in pids)
            started = time.monotonic()
            os.kill(proc.pid, signum)
            assert proc.wait(timeout=15) == 128 + signum
            assert time.monotonic() - started < 5  # they honour SIGTERM: no SIGKILL wait
            assert all(pid_gone(pid, timeout=0) for pid in pids)
            assert f"got {signal.Signals(signum).name}: stopping everything" in (
                proc.stdout.read() if proc.stdout else ""
            )
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()


def test_manager_killed_outright_leaves_no_child(tmp_path: Path) -> None:
    pids_file = tmp_path / "a.pids"
    manager = textwrap.dedent(
        f"""
        import sys
        sys.path.insert(0, {str(REPO_ROOT)!r})
        from devtools.procman import Proc, run_foreground
        ready = lambda: print("READY", flush=True)  # after on_ready, a SIGKILL of the manager is covered
        run_foreground([Proc("a", [sys.executable, "-c", {SLEEPER!r}, {str(pids_file)!r}])], on_ready=ready)
        """
    )
    with subprocess.Popen([sys.executable, "-c", manager], stdout=subprocess.PIPE, text=True) as proc:
        try:
            assert proc.stdout is not None
            while (line := proc.stdout.readline()) and line.strip() != "READY":
                pass
            pids = [int(p) for p in _wait_file(pids_file).split()]
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            assert all(pid_gone(pid, timeout=15) for pid in pids)  # the watchdog stopped the group
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
