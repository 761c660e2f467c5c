"""Entry point for `celery -A workflows.worker worker|beat`: builds the app once, in the worker process."""

from app.factory import create_app

flask_app = create_app()
celery = flask_app.extensions["celery"]
