"""The Huey queue of an app and its tasks.

Storage by CATALOG_QUEUE_URL: unset, a SQLite file ``instance/queue.sqlite3`` (one machine: the embedded
default); ``sqlite:///PATH`` another file; ``redis://HOST:PORT/DB`` Redis, shared by several app servers and
workers. QUEUE_IMMEDIATE (tests) runs each task at once in the process that enqueues it, in memory.

Each task runs in an app context of its own (its own database session), in the worker's app, or in the
enqueuing app under QUEUE_IMMEDIATE. A task holds no state of its own: what it works on is a database
row (an import job, a webhook delivery), so a task lost with a killed worker is found again from the row
(pricelists/sweep.py for imports, webhooks/delivery.py's periodic scan for deliveries).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from flask import Flask
from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey, crontab

log = logging.getLogger("catalog_service.jobs")


@dataclass
class Queue:
    huey: Huey
    key: tuple
    tasks: dict = field(default_factory=dict)

    @property
    def embedded(self) -> bool:
        """Whether the queue lives on this machine only (SQLite), so `catalog run` starts a worker itself."""
        return isinstance(self.huey, SqliteHuey)

    def enqueue(self, name: str, *args, eta: datetime | None = None, delay: float | None = None) -> None:
        """Put task ``name`` on the queue (at ``eta``, a UTC time, or after ``delay`` seconds if given)."""
        task = self.tasks[name]
        if eta is None and not delay:
            task(*args)
            return
        if self.huey.immediate:  # immediate mode runs at once or never: a later try is left to the periodic scan
            return
        if eta is not None:
            eta = eta.replace(tzinfo=None) - (eta.utcoffset() or timedelta(0))  # naive UTC, as Huey keeps it
        task.schedule(args, eta=eta, delay=delay)

    def depth(self) -> int:
        return 0 if self.huey.immediate else self.huey.pending_count()


def queue_file(app: Flask) -> Path:
    return Path(app.instance_path) / "queue.sqlite3"


def _key(app: Flask) -> tuple:
    return (app.config.get("QUEUE_URL") or "", bool(app.config.get("QUEUE_IMMEDIATE")))


def _build(app: Flask) -> Huey:
    url, immediate = _key(app)
    name = app.config.get("QUEUE_NAME") or "catalog"
    if immediate:
        return MemoryHuey(name, immediate=True, results=False)
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey(name, url=url, results=False)
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
    elif not url:
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        path = queue_file(app)
    else:
        raise ValueError(f"CATALOG_QUEUE_URL: expected redis://… or sqlite:///…, got {url.split(':')[0]}:…")
    return SqliteHuey(name, filename=str(path), results=False)


def queue(app: Flask) -> Queue:
    """The app's queue, built at first use (and again if a test changed its settings)."""
    found: Queue | None = app.extensions.get("job_queue")
    if found is None or found.key != _key(app):
        found = Queue(_build(app), _key(app))
        _register(found, app)
        app.extensions["job_queue"] = found
    return found


def _in_context(app: Flask, function):
    def run(*args):
        with app.app_context():
            return function(app, *args)

    run.__name__ = function.__name__
    return run


def _register(found: Queue, app: Flask) -> None:
    from . import tasks

    huey = found.huey
    for name, function in tasks.TASKS.items():
        found.tasks[name] = huey.task(name=name)(_in_context(app, function))
    every_minute = crontab()  # the scans that find work whose enqueueing was lost
    for name, function in tasks.EVERY_MINUTE.items():
        found.tasks[name] = huey.periodic_task(every_minute, name=name)(_in_context(app, function))
    nightly = crontab(minute="0", hour=str(int(app.config.get("PURGE_HOUR_UTC", 2))))
    for name, function in tasks.NIGHTLY.items():
        found.tasks[name] = huey.periodic_task(nightly, name=name)(_in_context(app, function))


def enqueue(app: Flask, name: str, *args, **when) -> None:
    queue(app).enqueue(name, *args, **when)
