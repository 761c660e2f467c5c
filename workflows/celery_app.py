"""Binding Celery to the Flask app: every task runs inside an app context (the Flask 'celery' pattern)."""

from __future__ import annotations

from celery import Celery, Task
from flask import Flask

TASK_MODULES: list[str] = ["workflows.notices", "workflows.reminders", "workflows.chasers", "workflows.digests",
                          "workflows.outbox", "workflows.figures"]


def celery_init_app(app: Flask) -> Celery:
    """Create the Celery app for a Flask app (broker = REDIS_URL; schedule and knobs from config)."""

    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            with app.app_context():
                return self.run(*args, **kwargs)

    celery = Celery(app.import_name, task_cls=FlaskTask, include=TASK_MODULES)
    settings = dict(app.config["CELERY"])
    redis_url = app.config.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    settings.update(broker_url=redis_url, result_backend=None, beat_schedule=app.config["BEAT_SCHEDULE"])
    celery.config_from_object(settings)
    celery.set_default()
    app.extensions["celery"] = celery
    return celery
