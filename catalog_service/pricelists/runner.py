"""A background import, run by the job queue's worker (jobs/tasks.py): ``run_job(app, job_id)``.

The job ends ``done`` (its import committed in the same transaction) or ``failed`` with a Swedish
reason; the uploaded file and the progress file are removed either way (if the worker is killed, the
sweep fails the job as lost and removes them: sweep.py).
"""

from __future__ import annotations

import logging

from flask import Flask, current_app
from sqlalchemy import update

from ..config import ReaderLimits
from ..errors import DomainError
from ..extensions import db
from ..models import utcnow
from ..transactions import transaction
from .jobs import Heartbeat, ProgressWriter, get_job, job_files, job_folder, upload_path
from .models import ImportJob, JobStatus
from .service import import_price_list

log = logging.getLogger("catalog_service.import_job")


def run_job(app: Flask, job_id: int) -> int:
    """Run one queued job in the current app context of ``app``; 0 when done, 1 when failed or not queued."""
    folder = job_folder(app)
    if not _claim(job_id):
        db.session.remove()
        return 1  # delivered twice, or the sweep already failed it: the first run owns it and its files
    try:
        with Heartbeat(db.engine, folder, job_id, float(app.config["IMPORT_JOB_HEARTBEAT_SECONDS"])):
            return _run(job_id, folder)
    finally:
        for path in job_files(folder, job_id):
            path.unlink(missing_ok=True)
        db.session.remove()


def _claim(job_id: int) -> bool:
    """Mark the queued job running; False if it is not queued (any more)."""
    with transaction(db.session):
        claimed = db.session.execute(
            update(ImportJob)
            .where(ImportJob.id == job_id, ImportJob.status == JobStatus.queued)
            .values(status=JobStatus.running, heartbeat_at=utcnow())
        ).rowcount
    return claimed == 1


def _run(job_id: int, folder) -> int:
    job = get_job(db.session, job_id)
    try:
        # One transaction: the import's rows, its draft and the job marked done commit together, or not at all.
        with transaction(db.session):
            result = import_price_list(
                db.session,
                upload_path(folder, job_id),
                job.supplier,
                actor=job.created_by,
                filename=job.filename,
                progress=ProgressWriter(db.engine, folder, job_id),
                limits=ReaderLimits.from_config(current_app.config),
            )
            job = get_job(db.session, job_id)
            job.status, job.finished_at, job.heartbeat_at = JobStatus.done, utcnow(), utcnow()
            job.import_id, job.result_status = result.import_id, result.status
            job.rows_done = job.rows_expected = result.data_rows
    except DomainError as error:
        _fail(job_id, error.code, error.message)
        return 1
    except Exception:
        log.exception("import job %s failed", job_id)  # the traceback holds no cell values
        _fail(job_id, "internal", "Importen misslyckades av ett internt fel. Ingenting sparades. Försök igen.")
        return 1
    return 0


def _fail(job_id: int, code: str, message: str) -> None:
    with transaction(db.session):
        job = get_job(db.session, job_id)
        job.status, job.finished_at = JobStatus.failed, utcnow()
        job.error_code, job.error_message = code[:40], message[:2000]
