"""`make load-test`: the production shape on this machine with N reviews, driven by locust; writes docs/LOADTEST.md.

Starts `python -m devtools.run_prod_local` (throwaway PostgreSQL + Redis, release step, gunicorn 2 workers, 2 Celery
workers, one beat, TRACKER_ENV=production, HTTPS with a self-signed certificate on 127.0.0.1) with PROD_LOCAL_SETUP
running loadtest/setup.py (the data set and the accounts). Then locust runs headless against loopback while the
workflow jobs are sent to the Celery workers; afterwards everything started is stopped by pid and the figures are
written into the run's section of docs/LOADTEST.md. Parameters: LOAD_USERS, LOAD_MINUTES, LOAD_REVIEWS,
LOAD_SPAWN_RATE, LOAD_WAIT, LOAD_JOB_WAIT, LOAD_LABEL (see Params).
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from loadtest.report import (
    parse_failures,
    parse_stats,
    process_kind,
    server_times,
    stats_table,
    task_events,
    update_doc,
)

REPO = Path(__file__).resolve().parent.parent
DOC = REPO / "docs" / "LOADTEST.md"
OUT = REPO / "loadtest" / "out"
# The workflow jobs sent to the workers while locust runs (the relay also runs every 30 s from the beat).
JOBS = {"stale-reminders": "workflows.reminders.send_stale_reminders", "chasers": "workflows.chasers.send_chasers",
        "weekly-digest": "workflows.digests.send_weekly_digests",
        "monthly-digest": "workflows.digests.send_monthly_digests",
        "quarterly-digest": "workflows.digests.send_quarterly_digests"}
STARTUP_TIMEOUT = 3600  # data generation included (1M reviews: several minutes on a busy machine)


@dataclass
class Params:
    """The run's parameters (environment: LOAD_USERS, LOAD_MINUTES, LOAD_REVIEWS, LOAD_SPAWN_RATE, LOAD_WAIT)."""

    users: int = 50
    minutes: float = 3.0
    reviews: int = 1_000_000
    spawn_rate: float = 2.0
    wait: str = "1-3"
    label: str = ""
    job_wait: float = 900.0  # after locust stops, how long to wait for jobs still running (seconds)

    @classmethod
    def from_env(cls, environ: dict[str, str]) -> Params:
        """Parameters from the environment (defaults: 50 users, 3 minutes, 1M reviews)."""
        p = cls(users=int(environ.get("LOAD_USERS") or 50), minutes=float(environ.get("LOAD_MINUTES") or 3),
                reviews=int(environ.get("LOAD_REVIEWS") or 1_000_000),
                spawn_rate=float(environ.get("LOAD_SPAWN_RATE") or 2), wait=environ.get("LOAD_WAIT") or "1-3",
                label=environ.get("LOAD_LABEL") or "", job_wait=float(environ.get("LOAD_JOB_WAIT") or 900))
        if p.users < 1 or p.minutes <= 0 or p.reviews < 0 or p.spawn_rate <= 0:
            raise ValueError("LOAD_USERS >= 1, LOAD_MINUTES > 0, LOAD_REVIEWS >= 0, LOAD_SPAWN_RATE > 0")
        if not p.label:
            p.label = "full" if p.reviews >= 1_000_000 and p.users >= 50 else "smoke"
        return p

    @property
    def ramp_seconds(self) -> int:
        """Seconds to start every user (each signs in as it starts), plus a margin for the last sign-ins."""
        return math.ceil(self.users / self.spawn_rate) + 5

    @property
    def run_seconds(self) -> int:
        """locust's --run-time: the ramp-up and then the measured period (statistics are reset after ramp-up)."""
        return self.ramp_seconds + round(self.minutes * 60)


@dataclass
class JobRecord:
    """A job sent to the workers and what became of it."""

    name: str
    task: str
    sent_at: float
    task_id: str = ""
    outcome: str = ""
    runtime: float | None = None
    seen_at: float | None = None


@dataclass
class Observations:
    """What the watcher threads saw while the run went on."""

    load: list[tuple[float, float]] = field(default_factory=list)  # (time, 1-minute load average)
    jobs: list[JobRecord] = field(default_factory=list)


def load_average() -> tuple[float, float, float]:
    """The 1, 5 and 15 minute load averages."""
    one, five, fifteen = Path("/proc/loadavg").read_text().split()[:3]
    return float(one), float(five), float(fifteen)


def cpu_seconds_by_kind(root_pids: list[int]) -> dict[str, float]:
    """CPU seconds (user + system) used so far by the processes under each root pid, by process kind."""
    tick = os.sysconf("SC_CLK_TCK")
    children: dict[int, list[int]] = {}
    info: dict[int, tuple[str, float]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2:].split()
        pid, ppid = int(entry.name), int(fields[1])
        children.setdefault(ppid, []).append(pid)
        info[pid] = (cmd, (int(fields[11]) + int(fields[12])) / tick)
    totals: dict[str, float] = {}
    seen: set[int] = set()
    stack = [p for p in root_pids if p in info]
    while stack:
        pid = stack.pop()
        if pid in seen:
            continue
        seen.add(pid)
        cmd, seconds = info[pid]
        kind = process_kind(cmd)
        totals[kind] = totals.get(kind, 0.0) + seconds
        stack.extend(children.get(pid, []))
    return totals


def machine_cpu() -> tuple[float, float]:
    """(busy, total) jiffies of the whole machine since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    return float(sum(values) - idle), float(sum(values))


def wait_healthy(url: str, proc: subprocess.Popen, timeout: float) -> None:
    """Poll /healthz until it answers 200 (RuntimeError when the process exits or time runs out)."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # loopback, self-signed certificate made for this run
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"run_prod_local exited with {proc.returncode} before the web answered")
        with contextlib.suppress(OSError), \
                urllib.request.urlopen(f"{url}/healthz", timeout=5, context=context) as response:  # noqa: S310
            if response.status == 200:
                return
        time.sleep(2)
    raise RuntimeError(f"{url}/healthz did not answer 200 within {timeout:.0f} s")


def stop(proc: subprocess.Popen, *, grace: float) -> None:
    """SIGINT the process (it stops what it started), then SIGTERM/SIGKILL its process group if it lingers."""
    if proc.poll() is not None:
        return
    with contextlib.suppress(OSError):
        os.kill(proc.pid, signal.SIGINT)
    try:
        proc.wait(timeout=grace)
        return
    except subprocess.TimeoutExpired:
        pass
    for sig in (signal.SIGTERM, signal.SIGKILL):
        with contextlib.suppress(OSError):
            os.killpg(proc.pid, sig)  # the group we created for it (process_group=0)
        try:
            proc.wait(timeout=15)
            return
        except subprocess.TimeoutExpired:
            continue


def watch_log(log: Path, obs: Observations, done: threading.Event) -> None:
    """Follow the production log; record when each sent job's outcome line appears."""
    offset = 0
    while not done.is_set():
        text = log.read_text(errors="replace") if log.exists() else ""
        new, offset = text[offset:], len(text)
        for task, task_id, outcome, runtime in task_events(new):
            for job in obs.jobs:
                if job.task == task and not job.outcome and (not job.task_id or job.task_id == task_id):
                    job.task_id, job.outcome, job.runtime, job.seen_at = task_id, outcome, runtime, time.time()
                    break
        done.wait(1.0)


def sample_load(obs: Observations, done: threading.Event) -> None:
    """Sample the 1-minute load average every 10 seconds."""
    while not done.is_set():
        obs.load.append((time.time(), load_average()[0]))
        done.wait(10.0)


def send_jobs(redis_url: str, obs: Observations) -> None:
    """Publish the workflow jobs to the Celery workers (what `flask workflows run all --via-worker` does)."""
    from celery import Celery

    celery = Celery("loadtest", broker=redis_url)
    try:
        for name, task in JOBS.items():
            result = celery.send_task(task)
            obs.jobs.append(JobRecord(name=name, task=task, sent_at=time.time(), task_id=result.id))
    finally:
        celery.close()


def postmaster_pid(data_directory: str) -> int | None:
    """The PostgreSQL server's pid from its data directory."""
    try:
        return int((Path(data_directory) / "postmaster.pid").read_text().split("\n", 1)[0])
    except (OSError, ValueError):
        return None


def main() -> int:
    """Run the load test end to end and write docs/LOADTEST.md; returns 1 when any request failed."""
    params = Params.from_env(dict(os.environ))
    instance = Path(tempfile.mkdtemp(prefix="tracker-loadtest-"))
    out = OUT / params.label
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    log = out / "production.log"
    from devtools.ports import free_port

    port = free_port()
    url = f"https://127.0.0.1:{port}"
    accounts_file = instance / "accounts.json"
    env = {**os.environ, "TRACKER_INSTANCE_PATH": str(instance), "TRACKER_PORT": str(port), "PYTHONUNBUFFERED": "1",
           # Load-test setting: each simulated user presents its own client address, as behind the TLS proxy
           # (production default 0: no proxy trusted). The sign-in throttle then counts per user, not per run.
           "TRUSTED_PROXY_COUNT": "1",
           "PROD_LOCAL_SETUP": f"{sys.executable} -m loadtest.setup --reviews {params.reviews} "
                               f"--users {params.users} --out {accounts_file}"}
    obs = Observations()
    done = threading.Event()
    started_at = datetime.now(UTC)
    load_before = load_average()
    print(f"load test '{params.label}': {params.reviews} reviews, {params.users} users, {params.minutes} min; "
          f"log {log}", flush=True)
    with open(log, "w") as log_fh:
        prod = subprocess.Popen([sys.executable, "-m", "devtools.run_prod_local"], cwd=REPO, env=env,
                                stdout=log_fh, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, process_group=0)
    locust = None
    watchers = [threading.Thread(target=watch_log, args=(log, obs, done), daemon=True),
                threading.Thread(target=sample_load, args=(obs, done), daemon=True)]
    try:
        t0 = time.monotonic()
        wait_healthy(url, prod, STARTUP_TIMEOUT)
        startup_seconds = time.monotonic() - t0
        setup = json.loads(accounts_file.read_text())
        print(f"production shape up in {startup_seconds:.0f} s: {setup['figures']}", flush=True)
        for w in watchers:
            w.start()
        roots = [prod.pid] + [p for p in [postmaster_pid(setup["figures"].get("data_directory", ""))] if p]
        signin_log = out / "signins.log"
        with open(out / "locust.log", "w") as locust_log:
            locust = subprocess.Popen(
                [sys.executable, "-m", "locust", "-f", str(REPO / "loadtest" / "locustfile.py"), "--headless",
                 "-u", str(params.users), "-r", str(params.spawn_rate), "-t", f"{params.run_seconds}s",
                 "--host", url, "--csv", str(out / "locust"), "--reset-stats", "--stop-timeout", "30",
                 "--only-summary"],
                cwd=REPO, stdout=locust_log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, process_group=0,
                env={**os.environ, "PYTHONPATH": str(REPO), "LOADTEST_ACCOUNTS": str(accounts_file),
                     "LOADTEST_SIGNIN_LOG": str(signin_log), "LOADTEST_WAIT": params.wait})
        locust_started = time.monotonic()
        time.sleep(params.ramp_seconds)
        cpu0, machine0, measured_from = cpu_seconds_by_kind([*roots, locust.pid]), machine_cpu(), time.time()
        time.sleep(min(20.0, params.minutes * 60 / 4))
        send_jobs(setup["redis_url"], obs)
        time.sleep(max(0.0, locust_started + params.run_seconds - 2 - time.monotonic()))
        measured_to = time.time()  # just before locust stops (its own CPU time is gone once it exits)
        cpu1, machine1 = cpu_seconds_by_kind([*roots, locust.pid]), machine_cpu()
        locust.wait(timeout=180)
        deadline = time.monotonic() + params.job_wait
        while any(not j.outcome for j in obs.jobs) and time.monotonic() < deadline and prod.poll() is None:
            time.sleep(2)
        time.sleep(1.5)
    finally:
        if locust is not None:
            stop(locust, grace=30)
        stop(prod, grace=120)
        done.set()
        shutil.rmtree(instance, ignore_errors=True)  # the accounts file holds passwords and TOTP keys
    elapsed = measured_to - measured_from
    cpu = {k: cpu1.get(k, 0.0) - cpu0.get(k, 0.0) for k in sorted(set(cpu0) | set(cpu1))}
    machine_busy = (machine1[0] - machine0[0]) / max(1.0, machine1[1] - machine0[1])
    rows = parse_stats((out / "locust_stats.csv").read_text())
    failures = parse_failures((out / "locust_failures.csv").read_text())
    signins = signin_log.read_text().splitlines() if signin_log.exists() else []
    log_text = log.read_text(errors="replace")
    body = render(params, setup["figures"], rows=rows, failures=failures, signins=signins, obs=obs, cpu=cpu,
                  elapsed=elapsed, machine_busy=machine_busy, started_at=started_at, load_before=load_before,
                  load_after=load_average(), startup_seconds=startup_seconds, log_text=log_text,
                  measured_from=measured_from, measured_to=measured_to)
    update_doc(DOC, params.label, body)
    (out / "section.md").write_text(body)
    print(body, flush=True)
    total = next((r for r in rows if r.name == "Aggregated"), None)
    return 0 if total and total.failures == 0 and all(j.outcome == "succeeded" for j in obs.jobs) else 1


def render(params: Params, figures: dict, *, rows, failures, signins, obs: Observations, cpu: dict[str, float],
           elapsed: float, machine_busy: float, started_at: datetime, load_before, load_after,
           startup_seconds: float, log_text: str, measured_from: float, measured_to: float) -> str:
    """The run's section of docs/LOADTEST.md."""
    from bench.databases import cpu_description

    total = next((r for r in rows if r.name == "Aggregated"), None)
    during = [v for t, v in obs.load if measured_from <= t <= measured_to]
    ok = sum(1 for s in signins if s.startswith("ok "))
    bad = sum(1 for s in signins if s.startswith("failed "))
    timeouts = log_text.count("WORKER TIMEOUT")
    server_errors = sum(1 for line in log_text.splitlines() if '"status": 5' in line)
    generation = figures.get("generation") or {}
    lines = [
        f"### Run '{params.label}': {params.reviews:,} reviews, {params.users} users, "
        f"{params.minutes:g} min measured ({started_at:%Y-%m-%d %H:%M} UTC)",
        "",
        f"- Machine: {cpu_description()}; shared (other engineers' benchmarks and CI were running). "
        f"Load average before {load_before[0]:.2f} / {load_before[1]:.2f} / {load_before[2]:.2f}; during the "
        f"measured period 1-min average {sum(during) / max(1, len(during)):.2f} (max {max(during, default=0):.2f}); "
        f"after {load_after[0]:.2f}. Whole machine CPU busy during the measured period: {machine_busy:.0%}.",
        f"- Data: {figures.get('reviews', 0):,} reviews in PostgreSQL 15 ({figures.get('database_size', '?')}); "
        + (f"generated in {generation.get('seconds', 0):.0f} s ({generation.get('rows', 0):,} rows); "
           if generation else "")
        + f"production shape up (release step, data, accounts, web answering /healthz) in {startup_seconds:.0f} s.",
        f"- Users: {params.users} ({ok} signed in, {bad} sign-in failures), spawn rate {params.spawn_rate:g}/s, "
        f"think time {params.wait} s between tasks; statistics reset after ramp-up, then {elapsed:.0f} s measured.",
        f"- Throughput: **{total.rps:.1f} requests/s** overall; p50 {total.p50:.0f} ms, p95 {total.p95:.0f} ms, "
        f"p99 {total.p99:.0f} ms; **{total.failures} failed requests** of {total.requests}." if total else
        "- No statistics were written.",
        f"- Server side: {server_errors} responses with a 5xx status in the JSON request log; {timeouts} gunicorn "
        "worker timeouts.",
        "",
        stats_table(rows),
        "",
    ]
    if failures:
        lines += ["Failures:", ""] + [f"- {m} {n}: {e} (x{c})" for m, n, e, c in failures] + [""]
    since, until = (datetime.fromtimestamp(t, UTC).isoformat() for t in (measured_from, measured_to))
    times = server_times(log_text, since=since, until=until)
    lines += ["Server-side time per endpoint in the measured period (the app's JSON request log, `duration_ms`: "
              "routing, queries, templates; the rest of the client's time is waiting for a free gunicorn worker):",
              "", "| Endpoint | Requests | p50 ms | p95 ms |", "|---|---:|---:|---:|"]
    lines += [f"| {name} | {n} | {p50:.0f} | {p95:.0f} |" for name, (n, p50, p95) in sorted(times.items())]
    lines += ["", "Background jobs sent to the Celery workers during the measured period:", "",
              "| Job | Outcome | Task runtime s | Finished after sending s | Finished while locust ran |",
              "|---|---|---:|---:|---|"]
    for j in obs.jobs:
        after = f"{j.seen_at - j.sent_at:.1f}" if j.seen_at else "-"
        during_run = "yes" if j.seen_at and j.seen_at <= measured_to else ("no" if j.seen_at else "-")
        runtime = f"{j.runtime:.2f}" if j.runtime is not None else "-"
        lines.append(f"| {j.name} | {j.outcome or 'not finished'} | {runtime} | {after} | {during_run} |")
    relays = [e for e in task_events(log_text) if e[0] == "workflows.outbox.relay_outbox"]
    if relays:
        slowest = max((e[3] or 0.0) for e in relays)
        lines += ["", f"The beat's outbox relay ran {len(relays)} times (slowest {slowest:.2f} s)."]
    lines += ["", "CPU used during the measured period by process kind (seconds; % of one core):", "",
              "| Processes | CPU s | % of a core |", "|---|---:|---:|"]
    for kind, seconds in sorted(cpu.items(), key=lambda kv: -kv[1]):
        lines.append(f"| {kind} | {seconds:.0f} | {seconds / max(elapsed, 1) * 100:.0f}% |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
