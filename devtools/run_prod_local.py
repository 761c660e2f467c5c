"""`make run-prod-local`: the production shape on this machine.

A throwaway PostgreSQL cluster and a password-protected Redis, then the Procfile's processes with
TRACKER_ENV=production: the release step (migrations + reference data), gunicorn with 2 workers, 2 Celery
workers and exactly one beat. Secrets are generated for the run. Ctrl-C stops everything.

Production cookies are Secure, so gunicorn serves HTTPS here with a self-signed certificate for 127.0.0.1 (in
production the TLS reverse proxy does; see docs/OPERATIONS.md). Mail goes to a local SMTP sink whose files are in
the instance folder (the in-app mail catcher is refused in production).
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

from devtools.ports import free_port
from devtools.procfile import read_procfile
from devtools.procman import Proc, run_foreground
from devtools.tls import self_signed_certificate

REPO = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent


def production_env(*, database_url: str, redis_url: str, port: int, mail_port: int, instance: Path,
                   tls: tuple[Path, Path] | None = None) -> dict[str, str]:
    """The environment a production deployment would set, with secrets generated for this run."""
    env = dict(os.environ)
    env.pop("MAIL_CATCHER_DIR", None)  # production refuses the in-app mail catcher
    scheme = "https" if tls else "http"
    env.update(
        TRACKER_ENV="production", DATABASE_URL=database_url, REDIS_URL=redis_url,
        SECRET_KEY=secrets.token_urlsafe(48), SECURITY_PASSWORD_SALT=secrets.token_urlsafe(32),
        BASE_URL=f"{scheme}://127.0.0.1:{port}", BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY=env.get("WEB_CONCURRENCY", "2"), WORKER_CONCURRENCY=env.get("WORKER_CONCURRENCY", "1"),
        MAIL_SERVER="127.0.0.1", MAIL_PORT=str(mail_port),
        TRACKER_INSTANCE_PATH=str(instance), BEAT_SCHEDULE_FILE=str(instance / "celerybeat-schedule"),
        PATH=f"{VENV_BIN}:{env.get('PATH', '')}", PYTHONPATH=str(REPO), FLASK_APP="wsgi",
    )
    if tls:
        # gunicorn reads extra options from GUNICORN_CMD_ARGS: the Procfile's web line stays the production one.
        tls_args = f"--certfile={tls[0]} --keyfile={tls[1]}"
        env["GUNICORN_CMD_ARGS"] = f"{env.get('GUNICORN_CMD_ARGS', '')} {tls_args}".strip()
    return env


def main() -> int:
    """Start PostgreSQL, Redis, the release step, then web, two workers and one beat until Ctrl-C."""
    from devtools.postgres import start_postgres
    from devtools.redis_server import start_redis

    instance = Path(os.environ.get("TRACKER_INSTANCE_PATH", REPO / "instance-prod"))
    (instance / "mail").mkdir(parents=True, exist_ok=True)
    port = int(os.environ.get("TRACKER_PORT", "8000"))
    mail_port = free_port()
    tls = self_signed_certificate(instance / "tls")
    cluster = start_postgres()
    redis = start_redis()
    try:
        env = production_env(database_url=cluster.url, redis_url=redis.url, port=port, mail_port=mail_port,
                             instance=instance, tls=tls)
        commands = read_procfile()
        subprocess.run(["bash", "-c", commands["release"]], cwd=REPO, env=env, check=True)
        extra = os.environ.get("PROD_LOCAL_SETUP")  # e.g. a command that loads the benchmark data set
        if extra:
            subprocess.run(["bash", "-c", extra], cwd=REPO, env=env, check=True)
        procs = [
            Proc("mail", [sys.executable, "-m", "devtools.smtp_sink", "--port", str(mail_port), "--directory",
                          str(instance / "mail")], env=env, cwd=REPO),
            Proc("web", ["bash", "-c", "exec " + commands["web"]], env=env, cwd=REPO),
            Proc("worker1", ["bash", "-c", "exec " + commands["worker"]], env={**env, "WORKER_NAME": "1"}, cwd=REPO),
            Proc("worker2", ["bash", "-c", "exec " + commands["worker"]], env={**env, "WORKER_NAME": "2"}, cwd=REPO),
            Proc("relay", ["bash", "-c", "exec " + commands["relay"]], env=env, cwd=REPO),
            Proc("beat", ["bash", "-c", "exec " + commands["beat"]], env=env, cwd=REPO),
        ]
        print(f"Production shape on https://127.0.0.1:{port}/ (self-signed certificate in {instance / 'tls'}; "
              f"PostgreSQL {cluster.port}, Redis {redis.port}); create a user with: .venv/bin/flask users create "
              "(with the same environment)", flush=True)
        return run_foreground(procs)
    finally:
        redis.stop()
        cluster.stop()


if __name__ == "__main__":
    sys.exit(main())
