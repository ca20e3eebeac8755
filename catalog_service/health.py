"""Readiness: may a load balancer send this app server traffic?

``/healthz`` (web/views.py) says only that the process answers. ``/readyz``
also asks the database a trivial question and checks that its schema is the
one this code expects (the Alembic head), so a server started against an
unreachable or not yet migrated database is kept out of rotation.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from flask import Blueprint, current_app, jsonify
from sqlalchemy import inspect, text
from sqlalchemy.exc import SQLAlchemyError

from .errors import error_body
from .extensions import db

bp = Blueprint("health", __name__)


@cache
def expected_heads(directory: str) -> tuple[str, ...]:
    """The head revisions of the migration scripts (read once per process: the code does not change)."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", directory)
    return tuple(sorted(ScriptDirectory.from_config(config).get_heads()))


def database_heads() -> tuple[str, ...]:
    """The revisions the database is at; () for a database that was never migrated."""
    connection = db.session.connection()
    if not inspect(connection).has_table("alembic_version"):
        return ()
    return tuple(sorted(connection.execute(text("SELECT version_num FROM alembic_version")).scalars()))


@bp.get("/readyz")
def readyz():
    """200 when the database answers and is migrated to the code's head; 503 with a JSON error otherwise."""
    expected = expected_heads(str(Path(current_app.extensions["migrate"].directory)))
    try:
        db.session.execute(text("SELECT 1"))
        found = database_heads()
    except SQLAlchemyError:
        db.session.rollback()
        return _not_ready("database_unavailable", "Databasen svarar inte.", None)
    finally:
        db.session.close()
    if found != expected:
        details = {"database": list(found), "expected": list(expected)}
        message = "Databasen är inte migrerad till denna version: kör catalog init-db."
        return _not_ready("migrations_pending", message, details)
    return jsonify({"status": "ok", "database": "ok", "revision": list(found)})


def _not_ready(code: str, message: str, details):
    response = jsonify(error_body(code, message, details))
    response.status_code = 503
    response.headers["Retry-After"] = "5"
    response.headers["Cache-Control"] = "no-store"
    return response
