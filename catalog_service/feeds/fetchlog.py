"""Recording feed fetches without a database write on the request's path.

E-shops poll often; a commit per poll would cost more than the answer itself.
Fetches are buffered per process and written in one batch every
FETCH_LOG_FLUSH_SECONDS by a daemon thread (and at exit). A crash can lose at
most that interval's entries. FETCH_LOG_FLUSH_SECONDS = 0 writes each fetch in
the request's own transaction instead.
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
    def __init__(self, engine_getter, seconds: float):
        self.engine_getter = engine_getter
        self.seconds = seconds
        self.pending: list[dict] = []
        self.lock = threading.Lock()
        self.pid = None

    def add(self, entry: dict) -> None:
        with self.lock:
            self.pending.append(entry)
        if self.pid != os.getpid():  # first use in this (possibly forked) process
            self.pid = os.getpid()
            threading.Thread(target=self._loop, name="catalog-fetch-log", daemon=True).start()
            atexit.register(self.flush)

    def flush(self) -> int:
        """Write what is pending; returns how many entries were written."""
        with self.lock:
            batch, self.pending = self.pending, []
        if batch:
            try:
                with self.engine_getter().begin() as connection:
                    connection.execute(insert(FeedFetch), batch)
            except Exception:
                log.exception("could not write %d feed fetches", len(batch))
        return len(batch)

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
    session.add(FeedFetch(**entry))
    session.flush()
    return True
