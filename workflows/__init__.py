"""Background work on Celery + Redis: the app binding, the beat schedule (config/schedule.py) and one module
per job family. Each task is a few lines calling app services; the worker entry point is workflows.worker."""
