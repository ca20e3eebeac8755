"""Regression tests for problems a code review found: each failed before its fix."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import func, select

from catalog_service.cache import LocalCache
from catalog_service.extensions import db
from tests.factories import workbooks

SOL = workbooks.ContractModel("Medi", 1, "SOL1-AD")
COLOURS = [("Medi", "Sand", "Sand"), ("Medi", "Svart", "Svart, Black")]


def table_counts(app) -> dict:
    with app.app_context():
        return {t.name: db.session.scalar(select(func.count()).select_from(t)) for t in db.metadata.sorted_tables}


def test_contract_supplier_written_with_a_legal_suffix_means_the_profile(runner, tmp_path):
    model = workbooks.ContractModel("Medi Sverige AB", 1, "SOL1-AD")
    contract = workbooks.contract(tmp_path, [model], [("Medi Sverige AB", "Sand", "Sand")])
    assert runner.invoke(args=["contract", "load", str(contract)]).exit_code == 0
    result = runner.invoke(
        args=["pricelist", "import", str(workbooks.small_price_list(tmp_path)), "--supplier", "medi", "--json"]
    )
    assert json.loads(result.stdout)["allowed"] == 1


def test_contract_with_a_supplier_without_profile_is_refused_naming_the_cell(app, runner, tmp_path):
    before = table_counts(app)
    contract = workbooks.contract(tmp_path, [workbooks.ContractModel("Okänd Leverantör AB", 1, "X1")], COLOURS)
    result = runner.invoke(args=["contract", "load", str(contract), "--json"])
    assert result.exit_code == 1
    error = json.loads(result.stdout)["error"]
    assert error["details"]["errors"][0] == {
        "sheet": "Sortiment",
        "row": 2,
        "column": "Leverantör",
        "message": error["details"]["errors"][0]["message"],
    }
    assert table_counts(app) == before


def test_personal_data_in_a_price_cell_is_refused_not_quoted(app, runner, tmp_path):
    assert runner.invoke(args=["contract", "load", str(workbooks.contract(tmp_path, [SOL], COLOURS))]).exit_code == 0
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


def test_identity_number_typed_as_a_number_in_an_order_export_is_refused(app, runner, tmp_path):
    assert runner.invoke(args=["contract", "load", str(workbooks.contract(tmp_path, [SOL], COLOURS))]).exit_code == 0
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


def test_a_draft_judged_against_a_replaced_contract_is_not_published(app, runner, tmp_path):
    assert runner.invoke(args=["contract", "load", str(workbooks.contract(tmp_path, [SOL], COLOURS))]).exit_code == 0
    path = workbooks.small_price_list(tmp_path)
    assert runner.invoke(args=["pricelist", "import", str(path), "--supplier", "medi", "--actor", "a"]).exit_code == 0
    other = workbooks.contract(tmp_path, [workbooks.ContractModel("Medi", 1, "VEG2-AD")], COLOURS, name="b.xlsx")
    assert runner.invoke(args=["contract", "load", str(other)]).exit_code == 0
    result = runner.invoke(args=["assortment", "publish", "--supplier", "medi", "--actor", "b", "--json"])
    assert result.exit_code == 1
    assert json.loads(result.stdout)["error"]["code"] == "stale_draft"


def test_a_value_loaded_while_its_key_is_forgotten_is_not_kept():
    cache = LocalCache(60)

    def load():
        cache.forget(("feed", "medi"))  # an invalidation arrives while the old value is being read
        return "old"

    assert cache.get(("feed", "medi", "json"), load) == "old"
    assert cache.get(("feed", "medi", "json"), lambda: "new") == "new"
