"""The WSGI entry point for app servers: ``gunicorn wsgi:app``, ``flask --app wsgi run``."""

from catalog_service import create_app

app = create_app()
