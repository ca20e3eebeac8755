"""Acceptance: Peppol BIS Catalogue 3 price lists (issue 14, item 4), made by the test from the samples."""

from __future__ import annotations

import hashlib
import json
import logging

import pytest
from sqlalchemy import select

from catalog_service.extensions import db
from catalog_service.pricelists.models import PriceListImport, PriceListRow
from importers.profiles import load_profiles
from tests.helpers import database_text, table_counts
from tests.peppol_catalogues import CONTACT_EMAIL, CONTACT_NAME, CONTACT_PHONE, data_rows, write_catalogue
from tests.pricelists.test_sample_imports import SUPPLIERS, _allowed_rows, _expected_csv


@pytest.fixture
def expected(samples):
    return json.loads((samples / "expected.json").read_text(encoding="utf-8"))


def _import(runner, path, supplier, *extra):
    result = runner.invoke(
        args=["pricelist", "import", str(path), "--supplier", supplier, "--json", "--actor", "upphandlare1", *extra]
    )
    return result, (json.loads(result.stdout) if result.exit_code == 0 else None)


@pytest.mark.parametrize("supplier", SUPPLIERS)
def test_catalogue_made_from_sample_gives_expected_figures(
    runner, app, samples, sample_contract, expected, supplier, tmp_path
):
    truth = expected["suppliers"][supplier]
    rows = data_rows(samples / truth["file"], load_profiles()[supplier])
    path = write_catalogue(rows, tmp_path / f"{supplier}.xml")

    result, summary = _import(runner, path, supplier)

    assert result.exit_code == 0, result.output
    assert summary["status"] == "draft"
    assert summary["data_rows"] == truth["data_rows"]
    assert summary["allowed"] == truth["allowed"]
    assert summary["excluded"] == truth["excluded"]
    assert summary["invalid_by_kind"] == truth["invalid_by_kind"]
    assert sorted((e["kind"], e["article_number"] or "") for e in summary["errors"]) == sorted(
        (r["reason"], r["article_number"] or "") for r in truth["invalid_rows"]
    )
    # "Row" is the line's position; the message names the line's ID, the column the element.
    assert all(e["sheet"] == "Katalog" and e["message"].startswith("rad-ID ") for e in summary["errors"])
    assert {e["column"] for e in summary["errors"]} <= {
        "Item/SellersItemIdentification/ID",
        "Price/PriceAmount",
        "AdditionalItemProperty " + repr(load_profiles()[supplier].header_names("compression_class")[0]),
    }
    assert {r["colour"] for r in truth["unknown_colour_rows"]} <= set(summary["unknown_colours"])
    with app.app_context():
        allowed = _allowed_rows(summary["import_id"], supplier)
    numbers = sorted(a["article_number"] for a in allowed)
    assert hashlib.sha256("\n".join(numbers).encode()).hexdigest() == truth["allowed_sha256"]
    assert allowed == _expected_csv(samples / truth["allowed_csv"])


def test_update_catalogue_applies_line_actions_to_latest_import(runner, app, samples, sample_contract, tmp_path):
    rows = data_rows(samples / "rama-prislista-2026.xlsx", load_profiles()["rama"])
    _, first = _import(runner, write_catalogue(rows, tmp_path / "full.xml", action="Replace"), "rama")
    publish = runner.invoke(args=["assortment", "publish", "--supplier", "rama", "--actor", "granskare"])
    assert publish.exit_code == 0, publish.output
    with app.app_context():
        allowed = _allowed_rows(first["import_id"], "rama")
    by_number = {str(r.get("article_number")).strip(): r for r in rows}
    gone = [allowed[0]["article_number"], allowed[1]["article_number"]]
    repriced = allowed[2]["article_number"]
    new = dict(by_number[allowed[3]["article_number"]], article_number="RK-NY-1")
    changed = dict(by_number[repriced], price=999.5)
    update = [by_number[gone[0]], by_number[gone[1]], changed, new]
    path = write_catalogue(
        update, tmp_path / "update.xml", action="Update", line_actions=["Delete", "Delete", "Update", "Add"]
    )

    result, summary = _import(runner, path, "rama")

    assert result.exit_code == 0, result.output
    assert summary["changes"] == {"added": 1, "updated": 1, "deleted": 2}
    assert summary["data_rows"] == first["data_rows"] - 1
    assert summary["allowed"] == first["allowed"] - 1
    diff = json.loads(runner.invoke(args=["pricelist", "diff", "--supplier", "rama", "--json"]).stdout)["diff"]
    assert sorted(i["article_number"] for i in diff["removed"]) == sorted(gone)
    assert [i["article_number"] for i in diff["added"]] == ["RK-NY-1"]
    assert [c["article_number"] for c in diff["changed"]] == [repriced]
    assert diff["unchanged"] == first["allowed"] - 3
    with app.app_context():
        entry = db.session.scalar(select(PriceListImport).order_by(PriceListImport.id.desc()))
        assert entry.data_rows == summary["data_rows"]


def test_update_line_for_unknown_article_is_refused_and_nothing_written(
    runner, app, samples, sample_contract, tmp_path
):
    rows = data_rows(samples / "rama-prislista-2026.xlsx", load_profiles()["rama"])[:50]
    _import(runner, write_catalogue(rows, tmp_path / "full.xml"), "rama")
    before = table_counts(app)
    path = write_catalogue(
        [dict(rows[5], article_number="FINNS-INTE")], tmp_path / "u.xml", action="Update", line_actions=["Update"]
    )

    result, _ = _import(runner, path, "rama")

    assert result.exit_code != 0
    assert "FINNS-INTE" in result.output and "finns inte i den senaste importen" in result.output
    assert table_counts(app) == before


def test_update_without_earlier_import_is_refused(runner, app, samples, sample_contract, tmp_path):
    rows = data_rows(samples / "rama-prislista-2026.xlsx", load_profiles()["rama"])[:3]
    path = write_catalogue(rows, tmp_path / "u.xml", action="Update", line_actions=["Add"] * 3)
    result, _ = _import(runner, path, "rama")
    assert result.exit_code != 0
    assert "ingen tidigare import" in result.output


def test_contact_person_in_header_is_imported_and_never_kept(
    runner, app, client, samples, sample_contract, tmp_path, caplog
):
    caplog.set_level(logging.DEBUG)
    rows = data_rows(samples / "rama-prislista-2026.xlsx", load_profiles()["rama"])
    path = write_catalogue(rows, tmp_path / "med-kontakt.xml", contact=True)
    assert CONTACT_NAME.encode() in path.read_bytes()

    result, summary = _import(runner, path, "rama")

    assert result.exit_code == 0, result.output
    assert summary["allowed"] == 534
    texts, blobs = database_text(app)
    logs = caplog.text + result.output
    for secret in (CONTACT_NAME, CONTACT_PHONE, CONTACT_EMAIL, "Lindqvist", "070-123"):
        assert secret not in texts and secret.encode() not in blobs and secret not in logs
    with app.app_context():
        stored = db.session.scalar(select(db.func.count(PriceListRow.id)))
    assert stored == summary["data_rows"]


def test_non_catalogue_xml_is_refused_in_swedish_and_nothing_written(runner, app, sample_contract, tmp_path):
    path = tmp_path / "faktura.xml"
    path.write_text('<?xml version="1.0"?><Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"/>')
    before = table_counts(app)
    result, _ = _import(runner, path, "rama")
    assert result.exit_code != 0
    assert "inget Peppol-katalogdokument" in result.output and "'Invoice'" in result.output
    assert table_counts(app) == before


def test_catalogue_with_entity_declarations_is_refused(runner, app, sample_contract, tmp_path):
    path = tmp_path / "bomb.xml"
    path.write_text(
        '<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY a "aaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
        '<Catalogue xmlns="urn:oasis:names:specification:ubl:schema:xsd:Catalogue-2">&b;</Catalogue>'
    )
    before = table_counts(app)
    result, _ = _import(runner, path, "rama")
    assert result.exit_code != 0
    assert "DTD eller entiteter" in result.output
    assert table_counts(app) == before


def test_price_per_other_base_quantity_is_an_invalid_row(runner, app, samples, sample_contract, tmp_path):
    rows = data_rows(samples / "rama-prislista-2026.xlsx", load_profiles()["rama"])[:20]
    path = write_catalogue(rows, tmp_path / "k.xml")
    path.write_text(path.read_text(encoding="utf-8").replace("<cbc:BaseQuantity>1<", "<cbc:BaseQuantity>10<", 1))
    result, summary = _import(runner, path, "rama")
    assert result.exit_code == 0, result.output
    first = next(e for e in summary["errors"] if e["row"] == 1)
    assert first["kind"] == "invalid_price" and first["column"] == "Price/BaseQuantity"
    assert "BaseQuantity" in first["message"] and first["message"].startswith("rad-ID '1'")


@pytest.mark.parametrize("queued", [False, True], ids=["in-request", "background-job"])
def test_catalogue_upload_over_http_keeps_no_contact_in_any_answer(
    app, officer_client, samples, sample_contract, tmp_path, caplog, queued
):
    from tests.conftest import post_upload
    from tests.pricelists.test_upload_jobs import poll

    caplog.set_level(logging.DEBUG)
    rows = data_rows(samples / "rama-prislista-2026.xlsx", load_profiles()["rama"])
    if not queued:
        rows = rows[:400]  # under SYNC_IMPORT_MAX_BYTES: imported in the request
    path = write_catalogue(rows, tmp_path / "katalog.xml", contact=True)

    response = post_upload(officer_client, path, "rama")

    answers = [response.get_data(as_text=True)]
    if queued:
        assert response.status_code == 202, response.get_json()
        final = poll(officer_client, response.get_json()["url"], 120)
        assert final["status"] == "done", final
        summary = final["summary"]
        answers.append(json.dumps(final, ensure_ascii=False))
    else:
        assert response.status_code == 201, response.get_json()
        summary = response.get_json()
    assert summary["data_rows"] == len(rows) and summary["status"] == "draft"
    answers.append(officer_client.get(f"/api/v1/pricelists/{summary['import_id']}").get_data(as_text=True))
    texts, blobs = database_text(app)
    for secret in (CONTACT_NAME, CONTACT_PHONE, CONTACT_EMAIL):
        assert all(secret not in answer for answer in answers)
        assert secret not in texts and secret.encode() not in blobs and secret not in caplog.text


def test_an_xml_error_names_the_line_of_the_file_as_sent_and_nothing_is_written(
    runner, app, samples, sample_contract, tmp_path
):
    """The reader reads the file as sent (the stored copy drops the header's parties, and its lines move up)."""
    rows = data_rows(samples / "rama-prislista-2026.xlsx", load_profiles()["rama"])[:50]
    path = write_catalogue(rows, tmp_path / "trasig.xml", contact=True)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    broken = next(n for n, line in enumerate(lines) if "<cbc:Name>" in line and n > len(lines) // 2)
    lines[broken] = lines[broken].replace("</cbc:Name>", "</cbc:Namn>")
    path.write_text("".join(lines), encoding="utf-8")
    before = table_counts(app)

    result, _ = _import(runner, path, "rama")

    assert result.exit_code != 0
    assert f"Filen är ingen giltig XML (rad {broken + 1})" in result.output
    assert CONTACT_NAME not in result.output
    assert table_counts(app) == before
