"""Every entrance of free text runs the guard: refusals name the field or cell and the kind, never the value,
and nothing reaches the database or the logs."""

from __future__ import annotations

import json
import logging
from datetime import date

import pytest
from sqlalchemy import select

from catalog_service.extensions import db
from catalog_service.files import SourceFile
from tests.conftest import post_upload
from tests.factories import workbooks
from tests.helpers import table_counts

PERSONNUMMER = "19550323-3859"
ADDRESS = "Sven Lindberg, Granbacken 48, 749 35 Enköping"
MEDI_MODELS = [workbooks.ContractModel("Medi", 1, "SOL1-AD")]
MEDI_COLOURS = [("Medi", "Sand", "Sand"), ("Medi", "Svart", "Svart, Black")]


@pytest.fixture
def medi_contract(app, runner, tmp_path):
    path = workbooks.contract(tmp_path, MEDI_MODELS, MEDI_COLOURS)
    assert runner.invoke(args=["contract", "load", str(path)]).exit_code == 0


def price_list_with(tmp_path, name_cell: str):
    rows = [list(row) for row in workbooks.SMALL_ROWS]
    rows[3][2] = name_cell
    return workbooks.price_list(tmp_path, workbooks.SMALL_LAYOUT, rows, name="prislista.xlsx")


@pytest.mark.parametrize("planted", [f"Pnr {PERSONNUMMER} saknades", ADDRESS, "Kvitto till lars.svensson@example.com"])
def test_price_list_cell_with_personal_data_is_refused_naming_the_cell(
    app, runner, medi_contract, tmp_path, caplog, planted
):
    caplog.set_level(logging.DEBUG)
    before = table_counts(app)
    result = runner.invoke(
        args=["pricelist", "import", str(price_list_with(tmp_path, planted)), "--supplier", "medi", "--json"]
    )
    assert result.exit_code == 1
    error = json.loads(result.stdout)["error"]
    assert error["code"] == "personal_data"
    (finding,) = error["details"]["findings"][:1]
    assert (finding["sheet"], finding["row"], finding["column"]) == ("Blad1", 5, "Produktnamn")
    for part in (planted, PERSONNUMMER, "Granbacken", "lars.svensson"):
        assert part not in result.output and part not in caplog.text
    assert table_counts(app) == before


def test_api_upload_with_personal_data_is_a_422_and_leaves_nothing(
    app, officer_client, medi_contract, tmp_path, caplog
):
    caplog.set_level(logging.DEBUG)
    before = table_counts(app)
    response = post_upload(officer_client, price_list_with(tmp_path, ADDRESS), "medi")
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "personal_data" in body and "Granbacken" not in body and "Granbacken" not in caplog.text
    assert table_counts(app) == before


def test_personal_data_in_a_price_cell_is_refused_not_quoted(app, runner, medi_contract, tmp_path):
    rows = [list(row) for row in workbooks.SMALL_ROWS]
    rows[0][9] = "19121212-1212"
    rows[1][4] = "anna.andersson@example.se"
    path = workbooks.price_list(tmp_path, workbooks.SMALL_LAYOUT, rows)
    before = table_counts(app)
    result = runner.invoke(args=["pricelist", "import", str(path), "--supplier", "medi", "--json"])
    assert result.exit_code == 1
    error = json.loads(result.stdout)["error"]
    assert error["code"] == "personal_data"
    assert {(f["row"], f["column"]) for f in error["details"]["findings"]} == {(2, "Pris exkl moms"), (3, "KKL")}
    assert "19121212" not in result.output and "anna.andersson" not in result.output
    assert table_counts(app) == before


def test_a_file_name_with_personal_data_is_stored_under_a_generated_name(app, officer_client, medi_contract, tmp_path):
    path = workbooks.small_price_list(tmp_path, name="Sven Lindberg, Granbacken 48.xlsx")
    assert post_upload(officer_client, path, "medi").status_code == 201
    with app.app_context():
        assert db.session.scalars(select(SourceFile.filename)).all() == ["prislista.xlsx"]


def test_publish_reason_with_personal_data_is_refused_naming_the_field(app, runner, medi_contract, tmp_path):
    path = workbooks.small_price_list(tmp_path)
    assert runner.invoke(args=["pricelist", "import", str(path), "--supplier", "medi", "--actor", "a"]).exit_code == 0
    result = runner.invoke(
        args=[
            "assortment",
            "publish",
            "--supplier",
            "medi",
            "--actor",
            "b",
            "--reason",
            f"Enligt samtal med {PERSONNUMMER}",
            "--json",
        ]
    )
    assert result.exit_code == 1
    error = json.loads(result.stdout)["error"]
    assert (error["code"], error["details"]["field"]) == ("personal_data", "reason")
    assert PERSONNUMMER not in result.output


def test_unknown_supplier_value_is_not_echoed(runner, tmp_path):
    path = workbooks.small_price_list(tmp_path)
    result = runner.invoke(args=["pricelist", "import", str(path), "--supplier", PERSONNUMMER])
    assert result.exit_code == 1 and PERSONNUMMER not in result.output


def test_identity_number_typed_as_a_number_in_an_order_export_is_refused(app, runner, medi_contract, tmp_path):
    headers = ["Kundordernummer", "Orderdatum", "Leverantör", "Artikelnummer", "Antal", "Patient"]
    rows = [
        ["KO-2600001", date(2026, 5, 4), "Medi", "MD1000001", 1, 191212121212],
        [191212121212, date(2026, 5, 4), "Medi", "MD1000002", 1, None],
    ]
    path = workbooks.price_list(tmp_path, headers, rows, name="orders.xlsx")
    before = table_counts(app)
    result = runner.invoke(args=["orders", "import", str(path), "--json"])
    assert result.exit_code == 1
    findings = json.loads(result.stdout)["findings"]
    assert {(f["row"], f["column"]) for f in findings} == {(2, "Patient"), (3, "Kundordernummer")}
    assert table_counts(app) == before


def test_refused_order_export_leaves_no_trace_in_the_logs(app, runner, samples, sample_contract, caplog):
    caplog.set_level(logging.DEBUG)
    truth = json.loads((samples / "expected.json").read_text(encoding="utf-8"))["orders"]
    result = runner.invoke(args=["orders", "import", str(samples / "websesam-orderrader.xlsx")])
    assert result.exit_code == 1
    for planted in truth["pii_rows"]:
        assert planted["kommentar"] not in caplog.text and planted["kommentar"] not in result.output
