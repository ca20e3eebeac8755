"""Background imports for the upload page: a job row, a task on the job queue, progress while it runs.

The page must stay responsive while a 300,000-row list is judged and stored, so the import runs in
the job queue's worker (jobs/: ``catalog worker``, or the one `catalog run` starts), never in a web
worker. The import is still one transaction: a failed job leaves nothing but its own row with the reason.

Progress is written outside that transaction. On PostgreSQL a second connection updates the job
row; SQLite allows one writer at a time and the import holds it, so there the child writes a small
progress file next to the upload (SQLite means one machine, so every server process can read it).
"""

from __future__ import annotations

import json
import os
import shutil
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask import Flask
from sqlalchemy import update
from sqlalchemy.orm import Session

from importers.formats import check_file
from importers.peppol import check_catalogue, looks_like_xml

from ..audit.service import record
from ..contracts.service import active_contract
from ..errors import DomainError, NotFound
from ..models import utcnow
from ..suppliers import profile_for
from .models import ImportJob, JobStatus

PROGRESS_INTERVAL = 0.25  # seconds between progress writes, unless a step of 5 % or more was made


def job_folder(app: Flask) -> Path:
    folder = Path(app.config.get("JOB_FOLDER") or Path(app.instance_path) / "import-jobs")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def upload_path(folder: Path, job_id: int) -> Path:
    return folder / f"job-{job_id}.xlsx"


def progress_path(folder: Path, job_id: int) -> Path:
    return folder / f"job-{job_id}.progress"


JOB_FILE_SUFFIXES = (".xlsx", ".progress", ".tmp", ".beat")  # the upload, its progress and their scratch files


def job_files(folder: Path, job_id: int) -> list[Path]:
    """Every file a job may have in the folder."""
    return [folder / f"job-{job_id}{suffix}" for suffix in JOB_FILE_SUFFIXES]


def create_job(session: Session, *, supplier: str, filename: str, actor: str) -> ImportJob:
    """A queued job for an uploaded file (the caller stores the file under ``upload_path`` and commits)."""
    job = ImportJob(supplier=profile_for(supplier).code, filename=filename, created_by=actor, heartbeat_at=utcnow())
    session.add(job)
    session.flush()
    record(
        session,
        actor=actor,
        action="pricelist.upload",
        object_type="import_job",
        object_id=job.id,
        supplier=job.supplier,
        filename=filename,
    )
    return job


class DryRunTooLarge(DomainError):
    """A dry run answers in the request, so it is for files that can be judged in one; big ones use the CLI (413)."""

    def __init__(self, limit: int):
        super().__init__(
            "dry_run_too_large",
            f"Filen är för stor för en provkörning över API:t (högst {limit // 1024} kB). "
            "Provkör den med kommandot catalog pricelist import --dry-run, eller ladda upp den utan provkörning.",
            {"max_bytes": limit},
        )


def queue_upload(
    session: Session, folder: Path, staged: Path, *, supplier: str, filename: str, actor: str
) -> ImportJob:
    """A queued job that owns the uploaded file ``staged`` (moved to its ``upload_path``).

    The cheap checks run first, so the uploader hears at once what the job would only find later:
    ImportFileError for a file that is not a sane workbook, NotFound for an unknown supplier, Conflict
    without an active contract. Flushes; the caller commits, then enqueues the job. A file whose job
    row never commits is removed by the sweep (sweep.py).
    """
    (check_catalogue if looks_like_xml(staged) else check_file)(staged)  # a Peppol catalogue, or a sheet file
    active_contract(session)
    job = create_job(session, supplier=supplier, filename=filename, actor=actor)
    shutil.move(staged, upload_path(folder, job.id))  # a rename, unless the upload was staged on another file system
    return job


class ProgressWriter:
    """The progress callback the import calls per batch; writes at most every PROGRESS_INTERVAL seconds."""

    def __init__(self, engine, folder: Path, job_id: int):
        self.engine, self.job_id = engine, job_id
        self.file = progress_path(folder, job_id) if engine.dialect.name == "sqlite" else None
        self.last, self.last_done = 0.0, 0

    def __call__(self, done: int, expected: int) -> None:
        now = time.monotonic()
        step = expected and (done - self.last_done) / expected >= 0.05  # every 5 % is shown, however fast
        if now - self.last < PROGRESS_INTERVAL and done < expected and not step:
            return
        self.last, self.last_done = now, done
        if self.file is not None:
            scratch = self.file.with_suffix(".tmp")
            scratch.write_text(json.dumps({"done": done, "expected": expected}))
            scratch.replace(self.file)  # readers never see half a file
            return
        with self.engine.begin() as connection:  # its own transaction, committed at once
            connection.execute(
                update(ImportJob)
                .where(ImportJob.id == self.job_id)
                .values(rows_done=done, rows_expected=expected, heartbeat_at=utcnow())
            )


class Heartbeat:
    """A thread that shows the job's process is alive, whatever the import is doing (reading, waiting for a lock).

    Progress alone is not enough: there is none while the reader loads a big sheet. The sign of life is
    the same one progress gives: on SQLite the progress file's time, elsewhere the row's heartbeat_at.
    """

    def __init__(self, engine, folder: Path, job_id: int, seconds: float):
        self.engine, self.file, self.job_id, self.seconds = engine, progress_path(folder, job_id), job_id, seconds
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._beat, name=f"heartbeat-import-job-{job_id}", daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.stopped.set()
        self.thread.join()

    def _beat(self) -> None:
        while not self.stopped.wait(self.seconds):
            try:
                self.beat()
            except Exception:  # a missed beat is only a missed beat; the next one may succeed
                continue

    def beat(self) -> None:
        if self.engine.dialect.name == "sqlite":
            if self.file.exists():
                os.utime(self.file)
            else:
                scratch = self.file.with_suffix(".beat")
                scratch.write_text(json.dumps({"done": 0, "expected": 0}))
                scratch.replace(self.file)
            return
        with self.engine.begin() as connection:
            connection.execute(update(ImportJob).where(ImportJob.id == self.job_id).values(heartbeat_at=utcnow()))


def get_job(session: Session, job_id: int) -> ImportJob:
    job = session.get(ImportJob, job_id)
    if job is None:
        raise NotFound("job_not_found", f"Uppladdning {job_id} finns inte.")
    return job


JOB_LOST = {
    "code": "job_lost",
    "message": "Importen avbröts innan den blev klar. Ingenting sparades. Ladda upp filen igen.",
}


def job_state(session: Session, job: ImportJob, folder: Path, *, stale_seconds: float) -> dict:
    """What the progress bar shows: status, rows done and expected, percent, and the error if it failed.

    A running job with no sign of life for ``stale_seconds`` has died (its worker with it): it shows as failed.
    """
    done, expected, last_sign = job.rows_done, job.rows_expected, job.heartbeat_at or job.created_at
    status = job.status
    error = {"code": job.error_code, "message": job.error_message} if status is JobStatus.failed else None
    if status is JobStatus.running:  # a queued job waits for the worker, however busy it is
        done, expected, last_sign = _file_progress(progress_path(folder, job.id), done, expected, last_sign)
        if utcnow() - last_sign > timedelta(seconds=stale_seconds):
            status, done, expected, error = JobStatus.failed, 0, 0, JOB_LOST
    percent = 100 if status is JobStatus.done else (min(99, done * 100 // expected) if expected else 0)
    return {
        "id": job.id,
        "supplier": job.supplier,
        "filename": job.filename,
        "status": status.value,
        "rows_done": done,
        "rows_expected": expected,
        "percent": percent,
        "import_id": job.import_id,
        "result_status": job.result_status,
        "error": error,
    }


def last_sign_of_life(job: ImportJob, folder: Path):
    """When the job last showed it was alive: its row's heartbeat (or creation), or its progress file's time."""
    last = job.heartbeat_at or job.created_at
    try:
        touched = datetime.fromtimestamp(progress_path(folder, job.id).stat().st_mtime, UTC)
    except FileNotFoundError:
        return last
    return max(last, touched)


def _file_progress(path: Path, done: int, expected: int, last_sign):
    try:
        stat = path.stat()
        figures = json.loads(path.read_text())
    except (FileNotFoundError, ValueError):
        return done, expected, last_sign
    touched = datetime.fromtimestamp(stat.st_mtime, UTC)
    return figures["done"], figures["expected"], max(last_sign, touched)
