"""One import per supplier at a time, held by the importing transaction itself.

Two uploads for one supplier at once must give one draft and a clear 409, not
two drafts racing to supersede each other. The lock belongs to the transaction,
so a crashed or killed importer releases it with its rollback and nothing has
to be cleaned up:

- PostgreSQL: ``pg_try_advisory_xact_lock`` on a key per supplier. Other
  suppliers' imports, publishes and feed reads are not held up.
- SQLite has one writer for the whole file. The import takes the write lock
  first (what ``BEGIN IMMEDIATE`` does), waiting briefly for a short write of
  someone else to end; an import that is already writing holds it for its whole
  run, so a second import (of any supplier) is refused rather than left to fail
  half-way on a locked database.
"""

from __future__ import annotations

import sqlite3
import zlib

from sqlalchemy import text
from sqlalchemy.orm import Session

from .errors import Conflict

LOCK_SPACE = 0x43415449  # "CATI": this service's import locks, apart from anyone else's advisory locks
SQLITE_WAIT_SECONDS = 1.0


def lock_supplier_imports(session: Session, supplier: str) -> None:
    """Take the supplier's import lock for the session's transaction.

    Raises Conflict (409) when another transaction holds it. Changes nothing;
    the lock ends when the transaction commits or rolls back.
    """
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        key = zlib.crc32(supplier.encode()) & 0x7FFFFFFF
        taken = session.execute(
            text("SELECT pg_try_advisory_xact_lock(:space, :key)"), {"space": LOCK_SPACE, "key": key}
        ).scalar_one()
        if not taken:
            raise _busy(supplier)
    elif dialect == "sqlite":
        _sqlite_write_lock(session, supplier)


def _sqlite_write_lock(session: Session, supplier: str) -> None:
    driver = session.connection().connection.driver_connection
    if driver.in_transaction:  # this transaction has written already, so it holds the write lock
        return
    cursor = driver.cursor()
    try:
        previous = cursor.execute("PRAGMA busy_timeout").fetchone()[0]
        cursor.execute(f"PRAGMA busy_timeout = {int(SQLITE_WAIT_SECONDS * 1000)}")
        try:
            # A write that changes no row: the driver opens the transaction and SQLite grants the write lock.
            cursor.execute("UPDATE version_counters SET last_number = last_number WHERE 0")
        except sqlite3.OperationalError as error:
            if "locked" in str(error) or "busy" in str(error):
                raise _busy(supplier, whole_database=True) from None
            raise
        finally:
            cursor.execute(f"PRAGMA busy_timeout = {int(previous)}")
    finally:
        cursor.close()


def _busy(supplier: str, *, whole_database: bool = False) -> Conflict:
    what = "En annan prislista läses in" if whole_database else f"En annan prislista för {supplier} läses in"
    return Conflict(
        "import_in_progress",
        f"{what} just nu. Vänta tills den är klar och försök sedan igen.",
        {"supplier": supplier},
    )
