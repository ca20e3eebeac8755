"""The child process of a background import: ``python -m catalog_service.pricelists.runner JOB_ID``.

Settings come from the web process as JSON in CATALOG_JOB_CONFIG. The job ends ``done`` (its
import committed in the same transaction) or ``failed`` with a Swedish reason; the uploaded file
and the progress file are removed either way (if the process is killed, the sweep removes them: sweep.py).
"""

from __future__ import annotations

import json
import logging
import os
import sys

from flask import current_app

from .. import create_app
from ..config import ReaderLimits
from ..errors import DomainError
from ..extensions import db
from ..models import utcnow
from ..transactions import transaction
from .jobs import Heartbeat, ProgressWriter, get_job, job_files, job_folder, upload_path
from .models import JobStatus
from .service import import_price_list

log = logging.getLogger("catalog_service.import_job")


def run(job_id: int) -> int:
    app = create_app(json.loads(os.environ.get("CATALOG_JOB_CONFIG", "{}")))
    folder = job_folder(app)
    with app.app_context():
        try:
            with Heartbeat(db.engine, folder, job_id, float(app.config["IMPORT_JOB_HEARTBEAT_SECONDS"])):
                return _run(job_id, folder)
        finally:
            for path in job_files(folder, job_id):
                path.unlink(missing_ok=True)
            db.session.remove()
            db.engine.dispose()


def _run(job_id: int, folder) -> int:
    with transaction(db.session):
        job = get_job(db.session, job_id)
        if job.status is not JobStatus.queued:
            return 1  # started twice: the first run owns it
        job.status, job.heartbeat_at = JobStatus.running, utcnow()
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


if __name__ == "__main__":
    sys.exit(run(int(sys.argv[1])))
