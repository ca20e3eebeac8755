"""A real queue worker (``catalog worker``) in a process of its own, for tests where the worker is the point."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from catalog_service.pricelists.jobs import job_folder


@contextmanager
def running_worker(app, tmp_path: Path, **settings):
    """Switch ``app`` to a SQLite queue file in ``tmp_path`` and run a worker on it; yields the worker's Popen.

    ``settings`` become CATALOG_* variables of the worker (for example IMPORT_JOB_HEARTBEAT_SECONDS=0.5).
    """
    queue_url = f"sqlite:///{tmp_path / 'queue.sqlite3'}"
    app.config.update(QUEUE_IMMEDIATE=False, QUEUE_URL=queue_url)
    env = {
        **os.environ,
        "CATALOG_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "CATALOG_JOB_FOLDER": str(job_folder(app)),
        "CATALOG_QUEUE_URL": queue_url,
        "CATALOG_SECRET_KEY": "test-secret",
        **{f"CATALOG_{name}": str(value) for name, value in settings.items()},
    }
    worker = subprocess.Popen(
        [sys.executable, "-c", "from catalog_service.cli import main; main()", "worker", "--workers", "1"],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: the reader child it starts goes with it
    )
    try:
        yield worker
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGTERM)
            try:
                worker.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)
                worker.wait()


def kill_worker(worker: subprocess.Popen) -> None:
    """SIGKILL the worker and everything it started (its process group), as the OOM killer or a power cut would."""
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait()


def wait_until(check, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.05)
    raise AssertionError(f"not within {seconds} s: {what}")
