"""``catalog worker`` runs the queue's worker; ``catalog run`` also starts one when the queue is embedded."""

from __future__ import annotations

import atexit
import logging
import os
import signal
import subprocess
import sys
import threading
import time

import click
from flask import current_app
from flask.cli import ScriptInfo, pass_script_info, run_command, with_appcontext


@click.command("worker")
@click.option("--workers", type=int, default=None, help="Tasks run at once (threads). Also CATALOG_QUEUE_WORKERS.")
@click.option("--parent", type=int, default=None, hidden=True, help="Stop when this process is gone (catalog run).")
@with_appcontext
def worker(workers, parent):
    """Run the job queue's worker: background imports, webhook deliveries, nightly purge (until stopped)."""
    from .queue import queue

    if parent:
        _stop_with(parent)
    app = current_app._get_current_object()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    found = queue(app)
    consumer = found.huey.create_consumer(
        workers=workers or int(app.config["QUEUE_WORKERS"]),
        worker_type="thread",
        periodic=True,
        check_worker_health=True,
    )
    click.echo(f"Arbetsprocessen startar ({type(found.huey).__name__}).", err=True)
    consumer.run()


def _stop_with(parent: int) -> None:
    """Stop gracefully (SIGTERM to itself) once the server that started this worker is gone, however it ended."""

    def watch():
        while os.getppid() == parent:
            time.sleep(1)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="watch-server", daemon=True).start()


def start_embedded_worker(info: ScriptInfo) -> subprocess.Popen | None:
    """With the embedded (SQLite) queue, a worker process beside the server; stopped when the server stops."""
    from .queue import queue

    if os.environ.get("WERKZEUG_RUN_MAIN") == "true":  # the reloader's child: the parent started it
        return None
    app = info.load_app()
    if not queue(app).embedded or app.config.get("QUEUE_IMMEDIATE"):
        return None
    child = subprocess.Popen(
        [sys.executable, "-c", "from catalog_service.cli import main; main()", "worker", "--parent", str(os.getpid())],
        stdin=subprocess.DEVNULL,
    )
    atexit.register(_stop, child)
    click.echo(f"Arbetsprocessen för kön körs (pid {child.pid}).", err=True)
    return child


def _stop(child: subprocess.Popen) -> None:
    if child.poll() is None:
        child.terminate()  # SIGTERM: Huey's consumer stops at once; an unfinished import rolls back
        try:
            child.wait(10)
        except subprocess.TimeoutExpired:
            child.kill()


@pass_script_info
def _run_with_worker(info: ScriptInfo, **options):
    start_embedded_worker(info)
    click.get_current_context().invoke(run_command, **options)


run = click.Command(
    "run",
    params=run_command.params,
    callback=_run_with_worker,
    help=(run_command.help or "") + "\n\nWith the embedded queue (no CATALOG_QUEUE_URL) it also starts its worker.",
    short_help="Run the development server (and the embedded queue's worker).",
)
