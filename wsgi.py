"""WSGI entry point: `gunicorn wsgi:app`, and what `flask` finds in the repository root."""

from app.factory import create_app

app = create_app()
