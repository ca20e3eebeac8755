"""Shared model helpers, and the one place that imports every area's models (for Alembic)."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Flask
from sqlalchemy import DateTime, event
from sqlalchemy.engine import Engine
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    """Timezone-aware now; used as a callable default so it is computed per row."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A timestamp stored and returned in UTC, timezone-aware on every engine (SQLite drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime: use utcnow()")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


def enable_sqlite_pragmas(app: Flask) -> None:
    """Foreign keys on, WAL so readers are not blocked by an import."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return

    @event.listens_for(Engine, "connect")
    def _pragmas(dbapi_connection, _record):  # pragma: no cover - trivial
        if type(dbapi_connection).__module__ != "sqlite3":
            return
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()


def import_all_models() -> None:
    from . import files as _files  # noqa: F401 - source_files, shared by several areas
    from .assortment import models as _assortment  # noqa: F401
    from .audit import models as _audit  # noqa: F401
    from .auth import models as _auth  # noqa: F401
    from .contracts import models as _contracts  # noqa: F401
    from .feeds import models as _feeds  # noqa: F401
    from .orders import models as _orders  # noqa: F401
    from .pricelists import models as _pricelists  # noqa: F401
    from .requests import models as _requests  # noqa: F401
    from .stock import models as _stock  # noqa: F401
    from .webhooks import models as _webhooks  # noqa: F401


import_all_models()
