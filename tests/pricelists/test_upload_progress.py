"""Progress of an upload: rows read and judged, reported in steps of at most 5 % (or every half second), and a
byte-identical re-upload that says it was already read."""

from __future__ import annotations

from itertools import pairwise

from catalog_service.extensions import db
from catalog_service.pricelists.service import import_price_list
from importers.pricelist import MIN_BATCH_SIZE, batch_size
from tests.conftest import page_client
from tests.factories.assortments import articles, load_contract, small_contract, write_price_list
from tests.pricelists.test_upload_pages import upload, wait_for_job


def test_batches_are_a_twentieth_of_the_sheet_within_bounds():
    assert batch_size(15_000) == 750
    assert batch_size(100) == MIN_BATCH_SIZE
    assert batch_size(10_000_000) == 5000


def test_a_15000_row_list_reports_progress_in_steps_of_at_most_5_percent(app, tmp_path):
    load_contract(app, small_contract(tmp_path))
    path = write_price_list(tmp_path, "medi", articles("medi", 15_000))
    steps = []
    with app.app_context():
        result = import_price_list(
            db.session,
            path,
            "medi",
            actor="upphandlare1",
            progress=lambda done, expected: steps.append((done, expected)),
        )
        db.session.rollback()
    assert result.data_rows == 15_000
    assert steps[0] == (0, 15_000)  # as soon as the sheet is read: how many rows are coming
    assert steps[-1] == (15_000, 15_000)
    done = [step for step, _ in steps]
    assert done == sorted(done) and len(steps) >= 21
    assert max(b - a for a, b in pairwise(done)) <= 15_000 * 5 // 100


def test_an_identical_reupload_says_the_file_is_already_read_and_links_the_earlier_result(app, tmp_path):
    load_contract(app, small_contract(tmp_path))
    path = write_price_list(tmp_path, "juzo", articles("juzo", 40))
    officer = page_client(app, "upphandlare", name="upphandlare1")
    first = wait_for_job(officer, upload(officer, path, "juzo").headers["Location"])[-1]
    assert first["status"] == "done" and "message" not in first
    job_url = upload(officer, path, "juzo").headers["Location"]
    again = wait_for_job(officer, job_url)[-1]
    assert again["status"] == "done" and again["result_status"] == "unchanged"
    assert again["message"].startswith("Filen är redan inläst")
    assert again["import_id"] == first["import_id"] and again["result_url"] == first["result_url"]
    page = officer.get(job_url).text
    assert "Filen är redan inläst" in page and f'href="{first["result_url"]}"' in page
