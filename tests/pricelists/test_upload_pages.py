"""The upload page: background import with progress, the result page, unknown colours re-judged at once."""

from __future__ import annotations

import io
import json
import time
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from catalog_service.audit.models import AuditEntry
from catalog_service.contracts.models import ColourMapping
from catalog_service.extensions import db
from catalog_service.models import utcnow
from catalog_service.pricelists.models import ImportJob, JobStatus, PriceListImport, PriceListRow
from tests.conftest import csrf_from, page_client, post_upload


@pytest.fixture
def officer(app):
    return page_client(app, "upphandlare", name="upphandlare1")


def upload(client, path, supplier: str, *, filename: str | None = None):
    token = csrf_from(client.get("/pricelists/upload").text)
    return post_upload(client, path, supplier, url="/pricelists/upload", filename=filename, csrf_token=token)


def wait_for_job(client, job_url: str, seconds: float = 90) -> list[dict]:
    """Poll the state as the page's script does; return every state seen, the last one finished."""
    seen, deadline = [], time.monotonic() + seconds
    while time.monotonic() < deadline:
        state = client.get(job_url + "/state").json
        seen.append(state)
        if state["status"] in ("done", "failed"):
            return seen
        time.sleep(0.1)
    raise AssertionError(f"the job did not finish: {seen[-1]}")


def counts_on(page: str) -> dict[str, int]:
    import re

    # counts are grouped the Swedish way ("1 919", a no-break space)
    found = re.findall(r'data-count="(\w+)">([\d\u00a0]+)<', page)
    return {key: int(value.replace("\u00a0", "")) for key, value in found}


def test_upload_imports_in_the_background_and_shows_the_result(app, officer, sample_contract, samples):
    expected = json.loads((samples / "expected.json").read_text())["suppliers"]["rama"]
    response = upload(officer, samples / "rama-prislista-2026.xlsx", "rama")
    assert response.status_code == 302
    job_url = response.headers["Location"]
    assert job_url.startswith("/pricelists/jobs/")
    page = officer.get(job_url)
    assert page.status_code == 200 and "<progress" in page.text and "progress.js" in page.text
    states = wait_for_job(officer, job_url)
    final = states[-1]
    assert final["status"] == "done", final
    assert final["percent"] == 100 and final["rows_done"] == final["rows_expected"] == expected["data_rows"]
    assert [s["percent"] for s in states] == sorted(s["percent"] for s in states)  # never goes backwards

    result = officer.get(final["result_url"])
    assert result.status_code == 200
    counts = counts_on(result.text)
    assert counts == {"allowed": expected["allowed"], **expected["excluded"]}
    assert sum(counts.values()) == expected["data_rows"] and "summan stämmer" in result.text
    assert "Hudfarg" in result.text  # an unknown colour, with its actions
    with app.app_context():
        job = db.session.get(ImportJob, final["id"])
        assert job.created_by == "upphandlare1" and job.import_id == final["import_id"]
        actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"pricelist.upload", "pricelist.import"} <= actions
    assert not list((app.config["JOB_FOLDER"] and __import__("pathlib").Path(app.config["JOB_FOLDER"])).iterdir())


def test_each_reason_has_a_paged_list_with_sheet_and_row(app, officer, sample_contract, samples):
    final = wait_for_job(officer, upload(officer, samples / "rama-prislista-2026.xlsx", "rama").headers["Location"])[-1]
    url = final["result_url"]
    first = officer.get(url + "?reason=not_procured").text
    assert "Ej upphandlad modell (1\u00a0919)" in first and "Sida 1 av 39" in first
    last = officer.get(url + "?reason=not_procured&page=39").text
    assert "Sida 39 av 39" in last and "Nästa" not in last
    invalid = officer.get(url + "?reason=invalid_row").text
    assert "Ladda ner ogiltiga rader" in invalid


def test_invalid_rows_download_as_xlsx(app, officer, sample_contract, samples):
    expected = json.loads((samples / "expected.json").read_text())["suppliers"]["rama"]["invalid_rows"]
    final = wait_for_job(officer, upload(officer, samples / "rama-prislista-2026.xlsx", "rama").headers["Location"])[-1]
    response = officer.get(f"/pricelists/{final['import_id']}/invalid.xlsx")
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(response.data), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("Flik", "Rad", "Kolumn", "Fel")
    assert [(r[0], int(r[1])) for r in rows[1:]] == [(e["sheet"], e["row"]) for e in expected]
    assert all(r[3] for r in rows[1:])  # every row says why


def test_mapping_an_unknown_colour_rejudges_the_draft_at_once(app, officer, sample_contract, samples):
    final = wait_for_job(officer, upload(officer, samples / "rama-prislista-2026.xlsx", "rama").headers["Location"])[-1]
    url = final["result_url"]
    before = counts_on(officer.get(url).text)
    token = csrf_from(officer.get(url).text)
    response = officer.post(
        f"/pricelists/{final['import_id']}/colours",
        data={"csrf_token": token, "value": "Hudfarg", "base_colour": "Beige"},
    )
    assert response.status_code == 302
    page = officer.get(url).text
    after = counts_on(page)
    assert after["allowed"] == before["allowed"] + 1
    assert after["non_base_colour"] == before["non_base_colour"] - 1
    assert sum(after.values()) == sum(before.values())
    assert "Hudfarg" in page and "blev tillåt" in page  # the flash message says what happened
    assert 'data-colour="Hudfarg"' not in page  # no longer among the unknown colours

    dismissed = officer.post(
        f"/pricelists/{final['import_id']}/colours", data={"csrf_token": token, "value": "Okänd", "base_colour": ""}
    )
    assert dismissed.status_code == 302
    page = officer.get(url).text
    assert counts_on(page) == after and 'data-colour="Okänd"' not in page
    with app.app_context():
        draft = db.session.get(PriceListImport, final["import_id"])
        allowed_rows = db.session.scalar(
            select(func.count()).where(PriceListRow.import_id == draft.id, PriceListRow.verdict == "allowed")
        )
        assert allowed_rows == draft.allowed == after["allowed"]
        mappings = {m.value: m.base_colour for m in db.session.scalars(select(ColourMapping))}
        assert mappings == {"Hudfarg": "Beige", "Okänd": None}
        actions = db.session.scalars(
            select(AuditEntry.action).where(AuditEntry.action.like("colour.%")).order_by(AuditEntry.id)
        ).all()
        assert actions == ["colour.map", "colour.dismiss"]


def test_later_imports_use_the_colour_decisions(app, officer, sample_contract, samples, tmp_path):
    from catalog_service.pricelists.colours import decide_unknown_colour
    from catalog_service.pricelists.service import import_price_list

    first = wait_for_job(officer, upload(officer, samples / "rama-prislista-2026.xlsx", "rama").headers["Location"])
    with app.app_context():
        draft = db.session.get(PriceListImport, first[-1]["import_id"])
        decide_unknown_colour(db.session, draft, "Hudfarg", "Beige", actor="upphandlare1")
        decide_unknown_colour(db.session, draft, "Okänd", None, actor="upphandlare1")
        db.session.commit()
        copy = tmp_path / "rama-igen.xlsx"
        copy.write_bytes((samples / "rama-prislista-2026.xlsx").read_bytes() + b"")
        result = import_price_list(db.session, copy, "rama", actor="upphandlare1", dry_run=True)
        db.session.rollback()
    colours = {entry["colour"] for entry in result.unknown_colours}
    assert colours == {"Beige/svart"}
    assert result.allowed == 535


@pytest.mark.parametrize(
    ("content", "status", "message"),
    [
        (b"Artikelnummer;Modell\n1;A\x81\n", 422, "Windows-1252"),  # a CSV, but in neither encoding
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", 415, "textfil"),
        (b"", 415, ""),
        (b"PK\x03\x04 trasig", 422, ""),
    ],
)
def test_a_bad_file_is_refused_on_the_page_and_nothing_is_kept(
    app, officer, sample_contract, tmp_path, content, status, message
):
    bad = tmp_path / "lista.xlsx"
    bad.write_bytes(content)
    response = upload(officer, bad, "rama")
    assert response.status_code == status
    assert 'class="error"' in response.text and message in response.text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ImportJob)) == 0
    from pathlib import Path

    assert list(Path(app.config["JOB_FOLDER"]).iterdir()) == []


def test_the_upload_needs_a_supplier_a_file_and_a_contract(app, officer, samples):
    token = csrf_from(officer.get("/pricelists/upload").text)
    no_supplier = officer.post("/pricelists/upload", data={"csrf_token": token, "supplier": ""})
    assert no_supplier.status_code == 422 and "Välj leverantör" in no_supplier.text
    no_file = officer.post("/pricelists/upload", data={"csrf_token": token, "supplier": "rama"})
    assert no_file.status_code == 422 and "Välj en fil" in no_file.text
    no_contract = upload(officer, samples / "rama-prislista-2026.xlsx", "rama")
    assert no_contract.status_code == 409 and "Inget avtal" in no_contract.text


def test_a_file_refused_in_the_background_fails_the_job_and_writes_nothing(app, officer, sample_contract, samples):
    response = upload(officer, samples / "juzo-preisliste-2026.xlsx", "rama")  # another supplier's layout
    final = wait_for_job(officer, response.headers["Location"])[-1]
    assert final["status"] == "failed" and final["error"]["code"] == "wrong_supplier"
    assert "Juzo" in final["error"]["message"]
    page = officer.get(response.headers["Location"]).text
    assert "Inläsningen misslyckades" in page and "Ladda upp igen" in page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(PriceListImport)) == 0
        assert db.session.scalar(select(func.count()).select_from(PriceListRow)) == 0


def test_a_job_whose_process_died_is_shown_as_failed(app, officer):
    with app.app_context():
        job = ImportJob(supplier="rama", filename="x.xlsx", created_by="upphandlare1", status=JobStatus.running)
        job.heartbeat_at = utcnow() - timedelta(minutes=10)
        db.session.add(job)
        db.session.commit()
        job_id = job.id
    state = officer.get(f"/pricelists/jobs/{job_id}/state").json
    assert state["status"] == "failed" and state["error"]["code"] == "job_lost"


def test_only_procurement_uploads_and_hmc_reads_results(app, sample_contract, samples):
    hmc = page_client(app, "hmc", name="hmc1")
    assert hmc.get("/pricelists/upload").status_code == 403
    officer = page_client(app, "upphandlare", name="upphandlare1")
    final = wait_for_job(officer, upload(officer, samples / "rama-prislista-2026.xlsx", "rama").headers["Location"])[-1]
    result = hmc.get(final["result_url"])
    assert result.status_code == 200 and "Inte basfärg</button>" not in result.text  # reads only
    token = csrf_from(result.text)
    refused = hmc.post(f"/pricelists/{final['import_id']}/colours", data={"csrf_token": token, "value": "Hudfarg"})
    assert refused.status_code == 403


def test_the_contract_page_shows_the_colour_decisions(app, officer, sample_contract, samples):
    final = wait_for_job(officer, upload(officer, samples / "rama-prislista-2026.xlsx", "rama").headers["Location"])[-1]
    token = csrf_from(officer.get(final["result_url"]).text)
    officer.post(
        f"/pricelists/{final['import_id']}/colours",
        data={"csrf_token": token, "value": "Hudfarg", "base_colour": "Beige"},
    )
    page = officer.get("/contract").text
    assert "Beslut om okända färger" in page
    assert "<td>Hudfarg</td><td>Beige</td><td>upphandlare1</td>" in page
