"""A real Celery worker in its own process, for tests that kill it: `python -m tests.support.worker_process JSON`.

JSON holds configuration overrides for create_app("test", ...) (database, Redis, SMTP port, knobs), so the
worker reads exactly the test's file database and settings. Solo pool: the task runs in this very process,
so SIGKILL stops it mid-task.
"""

from __future__ import annotations

import json
import os
import sys

from app.factory import create_app
from tests.support.clock import start_test_clock


def main() -> None:
    """Build the test app from the JSON overrides and run a worker until killed (on the run's clock)."""
    start_test_clock()

    app = create_app("test", json.loads(sys.argv[1]))
    app.extensions["celery"].worker_main([
        "worker", "--pool", "solo", "--loglevel", "WARNING", "--without-gossip", "--without-mingle",
        "--without-heartbeat", "--hostname", f"test-worker-{os.getpid()}@%h",
    ])


if __name__ == "__main__":
    main()
