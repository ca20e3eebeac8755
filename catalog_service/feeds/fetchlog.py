"""Recording feed fetches without a database write on the request's path.

E-shops poll often; a commit per poll would cost more than the answer itself.
Fetches are counted per process and written every FETCH_LOG_FLUSH_SECONDS by a
daemon thread (and at exit): one row per e-shop token, version, format and
answer, with the first and last time and the count. A crash can lose at most
that interval's counts. FETCH_LOG_FLUSH_SECONDS = 0 writes each fetch as its
own row in the request's transaction instead.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading

from flask import Flask, current_app
from sqlalchemy import insert

from ..models import utcnow
from .models import FeedFetch

log = logging.getLogger(__name__)


class FetchLog:
    """Fetches counted per process and written in one small batch per interval.

    A poll storm must cost neither a write per request nor millions of rows a
    day: fetches are summed per e-shop token, version, format and answer within
    each interval, with the first and last time and the count.
    """

    def __init__(self, engine_getter, seconds: float):
        self.engine_getter = engine_getter
        self.seconds = seconds
        self.pending: dict[tuple, list] = {}
        self.lock = threading.Lock()
        self.pid = None

    def add(self, entry: dict) -> None:
        key = (entry["token_id"], entry["supplier"], entry["version_number"], entry["format"], entry["status"])
        with self.lock:
            counted = self.pending.get(key)
            if counted is None:
                self.pending[key] = [1, entry["at"], entry["at"]]
            else:
                counted[0] += 1
                counted[2] = entry["at"]
        if self.pid != os.getpid():  # first use in this (possibly forked) process
            self.pid = os.getpid()
            threading.Thread(target=self._loop, name="catalog-fetch-log", daemon=True).start()
            atexit.register(self.flush)

    def flush(self) -> int:
        """Write what is pending; returns how many fetches that covered."""
        with self.lock:
            batch, self.pending = self.pending, {}
        rows = [
            {
                "token_id": key[0],
                "supplier": key[1],
                "version_number": key[2],
                "format": key[3],
                "status": key[4],
                "count": count,
                "first_at": first,
                "at": last,
            }
            for key, (count, first, last) in batch.items()
        ]
        if rows:
            try:
                with self.engine_getter().begin() as connection:
                    connection.execute(insert(FeedFetch), rows)
            except Exception:  # logging fetches must never break serving them
                log.exception("could not write %d feed fetch rows", len(rows))
        return sum(row["count"] for row in rows)

    def _loop(self) -> None:
        stop = threading.Event()
        while not stop.wait(self.seconds):
            self.flush()


def init_app(app: Flask) -> None:
    seconds = float(app.config.get("FETCH_LOG_FLUSH_SECONDS", 1.0))
    app.extensions["fetch_log"] = FetchLog(lambda: _engine(app), seconds)


def _engine(app: Flask):
    from ..extensions import db

    with app.app_context():
        return db.engine


def record_fetch(session, caller, supplier: str, version_number: int, format_name: str, status: int) -> bool:
    """Record one fetch: buffered, or in the request's transaction when buffering is off.

    Returns True when the entry is in the session and the caller must commit.
    """
    entry = {
        "token_id": caller.token_id,
        "supplier": supplier,
        "version_number": version_number,
        "format": format_name,
        "status": status,
        "at": utcnow(),
    }
    fetch_log: FetchLog = current_app.extensions["fetch_log"]
    if fetch_log.seconds > 0:
        fetch_log.add(entry)
        return False
    session.add(FeedFetch(**entry, first_at=entry["at"], count=1))
    session.flush()
    return True
