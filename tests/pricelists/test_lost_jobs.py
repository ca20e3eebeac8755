"""A background import whose worker dies is found and failed within a minute, and job files nobody needs are removed.

Every server process sweeps (pricelists/sweep.py) at its first request and then every JOB_SWEEP_SECONDS;
the queue's worker sweeps every minute too (jobs/tasks.py).
"""

from __future__ import annotations

import os
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from catalog_service.audit.models import AuditEntry
from catalog_service.extensions import db
from catalog_service.models import utcnow
from catalog_service.pricelists.jobs import job_folder
from catalog_service.pricelists.models import ImportJob, JobStatus
from catalog_service.pricelists.sweep import sweep, waiting_too_long
from tests.conftest import csrf_from, page_client, post_upload
from tests.factories import assortments as factory
from tests.factories import workbooks as wb
from tests.jobs.worker import kill_worker, running_worker, wait_until


def stored(app, job_id: int) -> tuple[JobStatus, str | None, int]:
    """The job row's status and error code, and how many job_lost audit entries name it."""
    with app.app_context():
        job = db.session.get(ImportJob, job_id)
        entries = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "pricelist.job_lost", AuditEntry.object_id == str(job_id))
        ).all()
        found = job.status, job.error_code, len(entries)
        db.session.remove()
    return found


def test_a_killed_job_is_failed_and_its_files_removed_within_a_minute(app, tmp_path):
    factory.load_contract(app, factory.small_contract(tmp_path))
    app.config.update(JOB_SWEEP_SECONDS=0.5, IMPORT_JOB_STALE_SECONDS=3, IMPORT_JOB_HEARTBEAT_SECONDS=0.5)
    folder = job_folder(app)
    officer = page_client(app, "upphandlare", name="upphandlare1")
    token = csrf_from(officer.get("/pricelists/upload").text)
    path = wb.two_cell_rows_workbook(tmp_path, 200_000)
    with running_worker(app, tmp_path, IMPORT_JOB_HEARTBEAT_SECONDS=0.5) as worker:
        response = post_upload(officer, path, "medi", url="/pricelists/upload", csrf_token=token)
        assert response.status_code == 302, response.text
        url = response.headers["Location"] + "/state"
        job_id = int(url.split("/")[-2])
        # killed while it imports, not before it starts
        wait_until(lambda: stored(app, job_id)[0] is JobStatus.running, 60, "the worker runs the job")
        kill_worker(worker)
    killed = time.monotonic()

    while time.monotonic() - killed < 60:
        officer.get(url)  # any request lets the process sweep when one is due
        status, code, audited = stored(app, job_id)
        if status is JobStatus.failed and not list(folder.glob(f"job-{job_id}.*")):
            break
        time.sleep(0.2)
    assert (status, code, audited) == (JobStatus.failed, "job_lost", 1)
    assert list(folder.iterdir()) == []
    assert officer.get(url).get_json()["error"]["code"] == "job_lost"


def _job(status: JobStatus, *, silent_for: float = 0) -> ImportJob:
    job = ImportJob(supplier="medi", filename="x.xlsx", created_by="upphandlare1", status=status)
    job.heartbeat_at = utcnow() - timedelta(seconds=silent_for)
    db.session.add(job)
    db.session.flush()
    return job


def _files(folder: Path, *names: str, age: float = 0) -> list[Path]:
    paths = [folder / name for name in names]
    for path in paths:
        path.write_bytes(b"x")
        os.utime(path, (time.time() - age, time.time() - age))
    return paths


def test_the_sweep_removes_the_files_of_finished_jobs_and_of_uploads_no_job_owns(app):
    folder = job_folder(app)
    with app.app_context():
        done, failed, alive = _job(JobStatus.done), _job(JobStatus.failed), _job(JobStatus.running)
        db.session.commit()
        gone = _files(folder, f"job-{done.id}.xlsx", f"job-{done.id}.progress", f"job-{failed.id}.xlsx")
        gone += _files(folder, "job-999.xlsx", "upload-abc.xlsx", age=120)  # no row: a request died before its commit
        kept = _files(folder, f"job-{alive.id}.xlsx", f"job-{alive.id}.progress", "job-998.xlsx", "upload-new.xlsx")
        kept += _files(folder, "notes.txt", age=120)

        report = sweep(db.session, folder, stale_seconds=60)
        db.session.commit()

    assert report == {"lost": 0, "files_removed": len(gone)}
    assert sorted(p.name for p in folder.iterdir()) == sorted(p.name for p in kept)


def test_sweeps_in_several_processes_fail_a_lost_job_once(app):
    folder = job_folder(app)
    with app.app_context():
        lost, quiet = _job(JobStatus.running, silent_for=120), _job(JobStatus.queued, silent_for=10)
        db.session.commit()
        lost_id, quiet_id = lost.id, quiet.id
        _files(folder, f"job-{lost_id}.xlsx", f"job-{lost_id}.progress", age=120)
        db.session.remove()
    reports = []
    for _ in range(2):  # as two server processes would, each in its own session
        with app.app_context():
            reports.append(sweep(db.session, folder, stale_seconds=60))
            db.session.commit()
            db.session.remove()

    assert [r["lost"] for r in reports] == [1, 0]
    assert stored(app, lost_id) == (JobStatus.failed, "job_lost", 1)
    assert stored(app, quiet_id) == (JobStatus.queued, None, 0)
    assert list(folder.iterdir()) == []


def test_a_job_with_a_recent_progress_file_is_alive(app):
    """On SQLite the job's process shows it lives by its progress file (the import holds the write lock)."""
    folder = job_folder(app)
    with app.app_context():
        job = _job(JobStatus.running, silent_for=120)
        db.session.commit()
        _files(folder, f"job-{job.id}.progress")
        assert sweep(db.session, folder, stale_seconds=60) == {"lost": 0, "files_removed": 0}
        db.session.commit()
        assert db.session.get(ImportJob, job.id).status is JobStatus.running


def test_a_queued_job_waits_however_long_and_the_workers_sweep_puts_it_back_once_per_period(app):
    """The worker may be busy with other imports: a queued job is not lost, and its enqueueing may have been."""
    folder = job_folder(app)
    with app.app_context():
        waiting, fresh = _job(JobStatus.queued, silent_for=3600), _job(JobStatus.queued, silent_for=5)
        db.session.commit()
        waiting_id = waiting.id
        assert sweep(db.session, folder, stale_seconds=60)["lost"] == 0
        assert waiting_too_long(db.session) == [waiting_id]
        db.session.commit()
        assert waiting_too_long(db.session) == []  # put back once per REQUEUE_SECONDS, not at every sweep
        db.session.commit()
        assert db.session.get(ImportJob, fresh.id).status is JobStatus.queued
    assert stored(app, waiting_id) == (JobStatus.queued, None, 0)
