"""Lost background imports, and job files nobody needs any more.

A job runs in the job queue's worker, which can die without a word (SIGKILL, the OOM killer, a machine
restart): its row would stay running, and its upload and progress files would stay in the job folder.
Every server process sweeps at its first request and then every JOB_SWEEP_SECONDS, and the worker every
minute: a running job with no sign of life for IMPORT_JOB_STALE_SECONDS is marked failed (``job_lost``,
with an audit entry), and the files of finished jobs and of uploads no job owns are removed. A queued job
waits in the queue however long the worker is busy; one queued for REQUEUE_SECONDS is put on the queue
again by the worker's sweep, in case its enqueueing was lost (a second copy finds it taken and does nothing).

Several processes (gunicorn workers, servers sharing one database and job folder) may sweep at the
same moment: a job is marked by a conditional UPDATE, so exactly one sweep marks it and writes its
audit entry, and removing a file that is already gone is not an error.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask import Flask
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from ..audit.service import record
from ..extensions import db
from ..models import utcnow
from ..transactions import transaction
from .jobs import JOB_FILE_SUFFIXES, JOB_LOST, job_folder, last_sign_of_life
from .models import ImportJob, JobStatus

log = logging.getLogger("catalog_service.import_job")

SWEEP_ACTOR = "system"  # the audit log's actor for what the service does by itself
UNFINISHED = (JobStatus.queued, JobStatus.running)
REQUEUE_SECONDS = 600
FINISHED = (JobStatus.done, JobStatus.failed)
JOB_FILE = re.compile(r"job-(\d+)(" + "|".join(re.escape(s) for s in JOB_FILE_SUFFIXES) + ")")
STAGED_FILE = re.compile(r"upload-.*\.xlsx")  # an upload before its job row exists (web/upload_pages.py, api.py)


def sweep(session: Session, folder: Path, *, stale_seconds: float) -> dict[str, int]:
    """Mark lost jobs failed and remove the job files nobody needs; say how many of each.

    A queued or running job with no sign of life for ``stale_seconds`` is lost: its row becomes failed
    with the ``job_lost`` reason and an audit entry ``pricelist.job_lost``. The files of finished jobs
    are removed, and files older than ``stale_seconds`` that no job row owns (an upload whose request
    died before its commit). Flushes; the caller commits.
    """
    now, stale = utcnow(), timedelta(seconds=stale_seconds)
    running = session.scalars(select(ImportJob).where(ImportJob.status == JobStatus.running)).all()
    lost = [job for job in running if now - last_sign_of_life(job, folder) > stale]
    marked = sum(_mark_lost(session, job) for job in lost)
    return {"lost": marked, "files_removed": _remove_files(session, folder, now - stale)}


def waiting_too_long(session: Session, *, seconds: float = REQUEUE_SECONDS) -> list[int]:
    """Queued jobs not touched for ``seconds``: their ids, each touched now so it is put back once per period."""
    since = utcnow() - timedelta(seconds=seconds)
    jobs = session.scalars(
        select(ImportJob).where(
            ImportJob.status == JobStatus.queued, func.coalesce(ImportJob.heartbeat_at, ImportJob.created_at) < since
        )
    ).all()
    for job in jobs:
        job.heartbeat_at = utcnow()
    return [job.id for job in jobs]


def _mark_lost(session: Session, job: ImportJob) -> bool:
    """Fail one lost job, unless another sweep (or the job itself) got there first."""
    changed = session.execute(
        update(ImportJob)
        .where(ImportJob.id == job.id, ImportJob.status.in_(UNFINISHED))
        .values(
            status=JobStatus.failed,
            finished_at=utcnow(),
            error_code=JOB_LOST["code"],
            error_message=JOB_LOST["message"],
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    session.expire(job)
    if changed != 1:
        return False
    record(session, actor=SWEEP_ACTOR, action="pricelist.job_lost", object_type="import_job", object_id=job.id)
    return True


def _remove_files(session: Session, folder: Path, older_than: datetime) -> int:
    owned: dict[int, list[Path]] = {}
    orphans = []
    for path in folder.iterdir():
        found = JOB_FILE.fullmatch(path.name)
        if found:
            owned.setdefault(int(found[1]), []).append(path)
        elif STAGED_FILE.fullmatch(path.name) and _older(path, older_than):
            orphans.append(path)
    if owned:
        statuses = dict(session.execute(select(ImportJob.id, ImportJob.status).where(ImportJob.id.in_(owned))).all())
        for job_id, paths in owned.items():
            status = statuses.get(job_id)
            if status in FINISHED or (status is None and all(_older(p, older_than) for p in paths)):
                orphans.extend(paths)
    for path in orphans:
        path.unlink(missing_ok=True)
    return len(orphans)


def _older(path: Path, moment: datetime) -> bool:
    try:
        return datetime.fromtimestamp(path.stat().st_mtime, UTC) < moment
    except FileNotFoundError:
        return False


class Sweeper:
    """Runs the sweep in a thread of its own, so no request waits for it (on SQLite it may wait for a writer).

    A server process starts it at its first request: CLI commands and the job's own process, which build
    the app too, never sweep. In a server it then sweeps every JOB_SWEEP_SECONDS whether requests come or
    not; under TESTING it sweeps once per poke at most that often, so no thread outlives a test's app.
    """

    def __init__(self) -> None:
        self.busy = threading.Lock()
        self.due = 0.0

    def poke(self, app: Flask) -> None:
        interval = float(app.config["JOB_SWEEP_SECONDS"])
        if interval <= 0 or time.monotonic() < self.due or not self.busy.acquire(blocking=False):
            return
        self.due = time.monotonic() + interval
        keep_going = not app.config.get("TESTING")
        threading.Thread(
            target=self._run, args=(app, interval, keep_going), name="import-job-sweep", daemon=True
        ).start()

    def _run(self, app: Flask, interval: float, keep_going: bool) -> None:
        try:
            sweep_once(app)
            while keep_going:
                time.sleep(interval)
                sweep_once(app)
        finally:
            self.busy.release()


def sweep_once(app: Flask, *, requeue: bool = False) -> None:
    """One sweep in its own session and transaction; a failure is logged and the next sweep tries again.

    ``requeue`` (the worker's sweep): also put jobs queued for REQUEUE_SECONDS on the queue again.
    """
    waiting: list[int] = []
    try:
        with app.app_context(), Session(db.engine) as session, transaction(session):
            report = sweep(session, job_folder(app), stale_seconds=float(app.config["IMPORT_JOB_STALE_SECONDS"]))
            if requeue:
                waiting = waiting_too_long(session)
    except Exception:  # a database that is away now is usually back at the next sweep
        log.exception("the sweep for lost import jobs failed")
        return
    if report["lost"]:
        log.warning("%d lost import job(s) marked failed", report["lost"])
    if waiting:
        from ..jobs.queue import enqueue

        for job_id in waiting:
            enqueue(app, "import_upload", job_id)


def init_app(app: Flask) -> None:
    sweeper = Sweeper()
    app.extensions["import_job_sweeper"] = sweeper

    @app.before_request
    def _sweep_when_due():
        sweeper.poke(app)
