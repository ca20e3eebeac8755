"""Issue 18, item 3: the upload page's import runs in the queue's worker; a worker killed mid-job loses nothing
silently and stores nothing of the import (it is one transaction): the job ends failed with the reason, on the
page, and the same file imported again by a fresh worker gives the figures of an undisturbed import.

Run on PostgreSQL too (CATALOG_TEST_DATABASE_URL), where the import's transaction is on a server that sees
its client die."""

from __future__ import annotations

import time

from sqlalchemy import func, select

from catalog_service.audit.models import AuditEntry
from catalog_service.extensions import db
from catalog_service.pricelists.models import ImportJob, JobStatus, PriceListImport, PriceListRow
from tests.conftest import csrf_from, page_client, post_upload
from tests.factories import assortments as factory
from tests.factories import workbooks as wb
from tests.jobs.worker import kill_worker, running_worker, wait_until

ROWS = 100_000


def counts(app) -> dict:
    with app.app_context():
        found = {
            "imports": db.session.scalar(select(func.count()).select_from(PriceListImport)),
            "rows": db.session.scalar(select(func.count()).select_from(PriceListRow)),
        }
        db.session.remove()
    return found


def stored_status(app, job_id: int) -> JobStatus:
    with app.app_context():
        status = db.session.get(ImportJob, job_id).status
        db.session.remove()
    return status


def upload(officer, path) -> str:
    token = csrf_from(officer.get("/pricelists/upload").text)
    response = post_upload(officer, path, "medi", url="/pricelists/upload", csrf_token=token)
    assert response.status_code == 302, response.text
    return response.headers["Location"]


def test_a_worker_killed_mid_import_stores_nothing_and_the_page_says_the_job_failed(app, tmp_path):
    factory.load_contract(app, factory.small_contract(tmp_path))
    app.config.update(JOB_SWEEP_SECONDS=0.5, IMPORT_JOB_STALE_SECONDS=3, IMPORT_JOB_HEARTBEAT_SECONDS=0.5)
    officer = page_client(app, "upphandlare", name="upphandlare1")
    path = wb.two_cell_rows_workbook(tmp_path, ROWS)

    with running_worker(app, tmp_path, IMPORT_JOB_HEARTBEAT_SECONDS=0.5) as worker:
        page = upload(officer, path)
        state_url = page + "/state"
        mid_job = wait_until(
            lambda: (s := officer.get(state_url).get_json())["rows_done"] > 0 and s, 120, "the import is under way"
        )
        assert mid_job["status"] == "running" and mid_job["rows_done"] < ROWS
        kill_worker(worker)
    killed = time.monotonic()

    job_id = int(page.rsplit("/", 1)[1])
    wait_until(lambda: officer.get(state_url) and stored_status(app, job_id) is JobStatus.failed, 60, "the sweep")
    state = officer.get(state_url).get_json()
    assert time.monotonic() - killed < 60
    assert state["error"]["code"] == "job_lost" and state["import_id"] is None
    assert counts(app) == {"imports": 0, "rows": 0}  # nothing of the import: not one row
    shown = officer.get(page).text
    assert "Importen avbröts innan den blev klar. Ingenting sparades. Ladda upp filen igen." in shown
    with app.app_context():
        lost = select(func.count()).where(AuditEntry.action == "pricelist.job_lost")
        assert db.session.scalar(lost.select_from(AuditEntry)) == 1
        db.session.remove()

    # The same file again, undisturbed: all its rows, once.
    app.config.update(IMPORT_JOB_STALE_SECONDS=30)
    with running_worker(app, tmp_path, IMPORT_JOB_HEARTBEAT_SECONDS=0.5):
        again = upload(officer, path) + "/state"
        final = wait_until(
            lambda: (s := officer.get(again).get_json())["status"] in ("done", "failed") and s, 300, "the re-import"
        )
    assert final["status"] == "done" and final["rows_done"] == ROWS, final
    assert counts(app) == {"imports": 1, "rows": ROWS}
