"""A small per-process cache for the hot read paths (token checks, current feed heads, feed bodies).

The database stays the only source of truth. Entries expire after
CACHE_SECONDS; on PostgreSQL every process also LISTENs for the events that
publishing or revoking sends with NOTIFY inside its transaction, so another
app server drops the stale entry as soon as the change commits. On SQLite
(one process) invalidation happens locally after commit. CACHE_SECONDS = 0
turns caching off.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from flask import Flask, current_app
from sqlalchemy import event, text
from sqlalchemy.orm import Session

CHANNEL = "catalog_events"
log = logging.getLogger(__name__)


class LocalCache:
    """Keyed entries with a time to live, dropped by key prefix on events."""

    def __init__(self, seconds: float, max_entries: int = 1024):
        self.seconds = seconds
        self.max_entries = max_entries
        self._entries: OrderedDict[tuple, tuple[float, object]] = OrderedDict()
        self._lock = threading.Lock()
        self._generation = 0  # bumped by forget(): a load that raced with it is not stored

    def get(self, key: tuple, load: Callable[[], object]):
        """The cached value for ``key``, loading (and caching) it when missing or expired."""
        if self.seconds <= 0:
            return load()
        now = time.monotonic()
        with self._lock:
            found = self._entries.get(key)
            if found is not None and found[0] > now:
                self._entries.move_to_end(key)
                return found[1]
            generation = self._generation
        value = load()
        with self._lock:
            if generation != self._generation:
                return value  # something was forgotten meanwhile: this value may be stale, do not keep it
            self._entries[key] = (now + self.seconds, value)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        return value

    def forget(self, prefix: tuple) -> None:
        """Drop every entry whose key starts with ``prefix`` (() drops all)."""
        with self._lock:
            self._generation += 1
            for key in [k for k in self._entries if k[: len(prefix)] == prefix]:
                del self._entries[key]


def cache() -> LocalCache:
    """The app's cache; in a new process this also starts its PostgreSQL listener."""
    listener = current_app.extensions.get("catalog_cache_listener")
    if listener is not None:
        listener.ensure_running()
    return current_app.extensions["catalog_cache"]


def announce(session: Session, *event_key: str) -> None:
    """Tell every process, once the session commits, that entries under ``event_key`` are stale."""
    session.info.setdefault("catalog_events", []).append(tuple(event_key))
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            text("SELECT pg_notify(:channel, :payload)"), {"channel": CHANNEL, "payload": "|".join(event_key)}
        )


def init_app(app: Flask) -> None:
    """Create the app's cache and drop local entries after each commit that announced changes."""
    local = LocalCache(float(app.config.get("CACHE_SECONDS", 5)))
    app.extensions["catalog_cache"] = local
    # Feed bodies never change (a new version has new documents): a few recent ones, kept a minute.
    app.extensions["feed_body_cache"] = LocalCache(60.0 if local.seconds > 0 else 0, max_entries=16)
    if app.config.get("CACHE_LISTEN", True) and app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        app.extensions["catalog_cache_listener"] = Listener(app.config["SQLALCHEMY_DATABASE_URI"], local)


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    events = session.info.pop("catalog_events", [])
    if events and current_app:
        for key in events:
            cache().forget(key)


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop("catalog_events", None)


class Listener:
    """A daemon thread per process that LISTENs on PostgreSQL and drops stale cache entries.

    Started lazily on first use so that it runs in each forked worker, not in
    a parent that forks. On a lost connection it clears the cache and reconnects.
    """

    def __init__(self, url: str, local: LocalCache):
        self.url = url.replace("postgresql+psycopg://", "postgresql://")
        self.local = local
        self.pid = None
        self.stopped = threading.Event()

    def ensure_running(self) -> None:
        import os

        if self.pid != os.getpid() and not self.stopped.is_set():
            self.pid = os.getpid()
            threading.Thread(target=self._run, name="catalog-cache-listener", daemon=True).start()

    def stop(self) -> None:
        self.stopped.set()

    def _run(self) -> None:
        import psycopg

        while not self.stopped.is_set():
            try:
                with psycopg.connect(self.url, autocommit=True) as connection:
                    connection.execute(f"LISTEN {CHANNEL}")
                    self.local.forget(())  # anything may have changed while we were not listening
                    while not self.stopped.is_set():
                        for note in connection.notifies(timeout=1.0):
                            self.local.forget(tuple(note.payload.split("|")))
            except Exception:
                log.warning("cache listener lost its connection; retrying")
                self.local.forget(())
                time.sleep(1.0)
