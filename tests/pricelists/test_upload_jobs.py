"""POST /api/v1/pricelists: a small file answers with its summary, a big one at once with a job to poll.

The summary's error list is bounded wherever it is given (201, a done job, a stored import, the CLI):
the first SUMMARY_MAX_ERRORS invalid rows, their total, and links to all of them.
"""

from __future__ import annotations

import io
import json
import time

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from catalog_service.extensions import db
from catalog_service.pricelists.models import ImportJob, PriceListImport
from tests.conftest import post_upload
from tests.factories import assortments as factory
from tests.factories import formats
from tests.factories import workbooks as wb
from tests.jobs.worker import running_worker

MILLION = 1_000_000


@pytest.fixture(scope="session")
def million_rows(tmp_path_factory):
    """A million two-cell rows, every one invalid (about 10 MB; written once per session, in ~5 s)."""
    return wb.two_cell_rows_workbook(tmp_path_factory.mktemp("big"), MILLION)


@pytest.fixture
def contract(app, tmp_path):
    return factory.load_contract(app, factory.small_contract(tmp_path))


def poll(client, url: str, seconds: float) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        state = client.get(url).get_json()
        if state["status"] in ("done", "failed"):
            return state
        time.sleep(0.2)
    raise AssertionError(f"the job did not finish in {seconds} s: {state}")


def written(app) -> tuple[int, int]:
    with app.app_context():
        jobs = db.session.scalar(select(func.count()).select_from(ImportJob))
        imports = db.session.scalar(select(func.count()).select_from(PriceListImport))
        db.session.remove()
    return jobs, imports


@pytest.mark.slow
def test_a_million_row_upload_answers_at_once_and_completes_as_a_job_with_a_bounded_summary(
    app, officer_client, contract, million_rows, tmp_path
):
    with running_worker(app, tmp_path):  # the queue's worker, in a process of its own
        started = time.monotonic()
        response = post_upload(officer_client, million_rows, "medi")
        answered = time.monotonic() - started
        final = poll(officer_client, response.headers["Location"], 600)

    assert response.status_code == 202, response.get_json()
    assert answered < 5, f"answered after {answered:.1f} s"  # loose: about 0.3 s here; the import takes ~40 s
    job = response.get_json()
    assert response.headers["Location"] == job["url"] == f"/api/v1/pricelists/jobs/{job['id']}"
    assert job["status"] in ("queued", "running") and job["summary"] is None

    assert final["status"] == "done", final
    summary = final["summary"]
    assert summary["data_rows"] == MILLION and summary["excluded"]["invalid_row"] == MILLION
    assert summary["errors_total"] == MILLION
    assert [e["row"] for e in summary["errors"]] == list(range(2, 102))  # the first 100, in file order
    assert len(json.dumps(final)) < 50_000

    last = officer_client.get(summary["links"]["invalid_rows"] + "&page=10000&per_page=100").get_json()
    assert last["total"] == MILLION and last["pages"] == 10_000
    assert [r["row"] for r in last["items"]][-1] == MILLION + 1


def test_a_file_above_the_threshold_is_a_job_whose_summary_is_the_one_a_201_gives(
    app, officer_client, contract, tmp_path
):
    path = wb.two_cell_rows_workbook(tmp_path, 5)
    app.config.update(SYNC_IMPORT_MAX_BYTES=path.stat().st_size - 1, SUMMARY_MAX_ERRORS=2)

    response = post_upload(officer_client, path, "medi")
    assert response.status_code == 202, response.get_json()
    final = poll(officer_client, response.headers["Location"], 90)
    assert final["status"] == "done" and final["result_status"] == "draft", final
    summary = final["summary"]
    assert summary["status"] == "draft" and summary["import_id"] == final["import_id"]
    assert summary["errors_total"] == 5 and [e["row"] for e in summary["errors"]] == [2, 3]

    app.config["SYNC_IMPORT_MAX_BYTES"] = path.stat().st_size  # the same file, now small enough: 200 unchanged
    again = post_upload(officer_client, path, "medi")
    assert again.status_code == 200 and again.get_json()["status"] == "unchanged"
    assert {**again.get_json(), "status": "draft"} == summary
    assert officer_client.get(f"/api/v1/pricelists/{final['import_id']}").get_json() == summary

    page = officer_client.get(summary["links"]["invalid_rows"] + "&per_page=2&page=3").get_json()
    assert (page["total"], page["pages"], [r["row"] for r in page["items"]]) == (5, 3, [6])
    assert page["items"][0]["verdict"] == "invalid_row" and page["items"][0]["message"]
    download = officer_client.get(summary["links"]["invalid_rows_xlsx"])
    assert download.status_code == 200 and download.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(download.data), read_only=True).active
    assert [r[1] for r in sheet.iter_rows(min_row=2, values_only=True)] == [2, 3, 4, 5, 6]


def test_a_small_upload_answers_201_with_a_bounded_summary(app, officer_client, contract, tmp_path):
    app.config["SUMMARY_MAX_ERRORS"] = 3
    response = post_upload(officer_client, wb.two_cell_rows_workbook(tmp_path, 7), "medi")
    assert response.status_code == 201
    summary = response.get_json()
    assert summary["errors_total"] == 7 and len(summary["errors"]) == 3
    assert summary["links"]["invalid_rows"] == f"/api/v1/pricelists/{summary['import_id']}/rows?verdict=invalid_row"


@pytest.mark.parametrize(
    ("build", "status", "code"),
    [(formats.binary_file, 415, "unsupported"), (formats.csv_in_neither_encoding, 422, "unreadable")],
    ids=["not-text", "csv-neither-encoding"],
)
def test_a_bad_file_above_the_threshold_is_refused_at_once_and_no_job_is_made(
    app, officer_client, contract, tmp_path, build, status, code
):
    app.config["SYNC_IMPORT_MAX_BYTES"] = 1
    response = post_upload(officer_client, build(tmp_path), "medi")
    assert response.status_code == status and response.get_json()["error"]["code"] == code
    assert written(app) == (0, 0)
    assert list((tmp_path / "import-jobs").iterdir()) == []


def test_a_dry_run_above_the_threshold_is_refused_and_nothing_is_written(app, officer_client, contract, tmp_path):
    app.config["SYNC_IMPORT_MAX_BYTES"] = 1
    response = post_upload(officer_client, wb.two_cell_rows_workbook(tmp_path, 5), "medi", dry_run="true")
    assert response.status_code == 413
    error = response.get_json()["error"]
    assert error["code"] == "dry_run_too_large" and "--dry-run" in error["message"]
    assert written(app) == (0, 0)


def test_an_unknown_job_is_a_json_404(officer_client):
    response = officer_client.get("/api/v1/pricelists/jobs/999")
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "job_not_found"


def test_the_cli_summary_lists_the_first_errors_and_their_total(app, runner, contract, tmp_path):
    app.config["SUMMARY_MAX_ERRORS"] = 2
    path = wb.two_cell_rows_workbook(tmp_path, 5)
    result = runner.invoke(args=["pricelist", "import", str(path), "--supplier", "medi", "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["errors_total"] == 5 and [e["row"] for e in summary["errors"]] == [2, 3]
    assert summary["data_rows"] == 5 and summary["excluded"]["invalid_row"] == 5


def test_the_openapi_document_describes_the_202_and_the_job(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    upload = spec["paths"]["/api/v1/pricelists"]["post"]["responses"]
    assert {"201", "202"} <= set(upload) and "Location" in upload["202"]["headers"]
    assert "/api/v1/pricelists/jobs/{job_id}" in spec["paths"]
    assert "/api/v1/pricelists/{import_id}/rows" in spec["paths"]
    assert "/api/v1/pricelists/{import_id}/invalid-rows.xlsx" in spec["paths"]
