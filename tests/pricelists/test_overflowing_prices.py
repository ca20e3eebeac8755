"""A price too large is one row's problem: an ``invalid_price`` row with a clear reason, the rest imported.

Found by a red-team pass (issue 17, item 1): 21474837 kr did not fit PostgreSQL's 4-byte ``price_ore``
(500), 1e17, 1e25 and 92233720368547758.08 raised OverflowError on SQLite (500, the CLI a traceback,
the upload job ``internal``), and 1e26 or more refused the whole file as unreadable (InvalidOperation
while rounding). Each path is checked here: the CLI, the API and the upload page's background job.
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from sqlalchemy import select

from catalog_service.contracts.models import ProcuredModel
from catalog_service.extensions import db
from catalog_service.pricelists.models import PriceListRow
from importers import values
from tests.conftest import page_client, post_upload
from tests.factories import workbooks as wb
from tests.pricelists.test_bad_files import BASE_COLOURS, MEDI_MODELS
from tests.pricelists.test_upload_pages import upload, wait_for_job

# The four values, the number forms Excel stores and the text forms a supplier may type.
HUGE_PRICES = [
    21474837,  # one öre past PostgreSQL's integer, counted in öre
    1e17,
    1e25,
    "92233720368547758.08",  # 2**63 öre: past SQLite's integer
    1e26,  # rounding to öre needed more than Decimal's 28 digits
    1e300,
    "1" + "0" * 40,
]
GOOD_ROWS = wb.SMALL_ROWS[:2]


def huge_price_list(directory, prices=HUGE_PRICES):
    rows = [list(row) for row in GOOD_ROWS]
    for number, price in enumerate(prices):
        rows.append([f"MD90000{number:02}", "", "Sol", "SOL1-AD", 1, "Knästrumpa", "I", "Kort", "Sand", price])
    return wb.price_list(directory, wb.SMALL_LAYOUT, rows, name="dyra-priser.xlsx")


@pytest.fixture
def medi_contract(app, tmp_path):
    from catalog_service.contracts.service import load_contract

    path = wb.contract(tmp_path, MEDI_MODELS, BASE_COLOURS)
    with app.app_context():
        load_contract(db.session, path, actor="upphandlare1")
        db.session.commit()


def assert_each_huge_price_is_an_invalid_row(summary: dict, prices=HUGE_PRICES) -> None:
    assert summary["data_rows"] == len(GOOD_ROWS) + len(prices)
    assert summary["allowed"] == len(GOOD_ROWS)  # the rest of the file is imported
    assert summary["excluded"]["invalid_row"] == len(prices)
    assert len(summary["errors"]) == len(prices)
    for error in summary["errors"]:
        assert error["column"] == "Pris exkl moms" and error["sheet"] == "Blad1"
        assert "orimligt högt pris" in error["message"] and "1 000 000 kr" in error["message"], error


def stored_rows(app) -> dict[str, tuple]:
    with app.app_context():
        rows = db.session.execute(select(PriceListRow.article_number, PriceListRow.price_ore, PriceListRow.verdict))
        return {article: (price, verdict.value) for article, price, verdict in rows}


def test_cli_imports_the_file_with_each_huge_price_as_an_invalid_row(app, runner, medi_contract, tmp_path):
    result = runner.invoke(args=["pricelist", "import", str(huge_price_list(tmp_path)), "--supplier", "medi", "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["status"] == "draft"
    assert_each_huge_price_is_an_invalid_row(summary)
    rows = stored_rows(app)
    assert rows["MD1000001"] == (37150, "allowed")
    assert all(rows[f"MD90000{n:02}"] == (None, "invalid_row") for n in range(len(HUGE_PRICES)))


def test_api_upload_answers_201_with_each_huge_price_as_an_invalid_row(app, officer_client, medi_contract, tmp_path):
    response = post_upload(officer_client, huge_price_list(tmp_path), "medi")
    assert response.status_code == 201, response.json
    assert_each_huge_price_is_an_invalid_row(response.json)


def test_upload_job_ends_done_with_each_huge_price_as_an_invalid_row(app, medi_contract, tmp_path):
    officer = page_client(app, "upphandlare", name="upphandlare1")
    response = upload(officer, huge_price_list(tmp_path), "medi")
    final = wait_for_job(officer, response.headers["Location"])[-1]
    assert final["status"] == "done", final
    rows = stored_rows(app)
    assert len(rows) == len(GOOD_ROWS) + len(HUGE_PRICES)
    assert sum(verdict == "allowed" for _, verdict in rows.values()) == len(GOOD_ROWS)


def test_the_ceiling_is_configurable_and_the_column_holds_prices_past_a_4_byte_integer(
    app, runner, medi_contract, tmp_path
):
    app.config["MAX_PRICE_SEK"] = 100_000_000
    path = huge_price_list(tmp_path, prices=[21474837, 99_999_999.99, 100_000_000.01])
    result = runner.invoke(args=["pricelist", "import", str(path), "--supplier", "medi", "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["excluded"]["invalid_row"] == 1 and "100 000 000 kr" in summary["errors"][0]["message"]
    rows = stored_rows(app)
    assert rows["MD9000000"][0] == 2_147_483_700 and rows["MD9000001"][0] == 9_999_999_999


def test_a_price_at_the_ceiling_is_read_and_one_ore_above_is_not():
    assert values.price(1_000_000.0, values.MAX_PRICE_SEK) == Decimal("1000000.00")
    with pytest.raises(values.PriceTooHigh):
        values.price("1 000 000,01", values.MAX_PRICE_SEK)
    with pytest.raises(values.PriceTooHigh):  # no ceiling given: the hard limit still holds
        values.price(1e26)


def test_a_contract_with_a_huge_price_is_refused_naming_the_cell(app, runner, tmp_path):
    models = [*MEDI_MODELS[:-1], wb.ContractModel("Juzo", 4, "3511-AD", price=1e25)]
    path = wb.contract(tmp_path, models, BASE_COLOURS)
    result = runner.invoke(args=["contract", "load", str(path), "--json"])
    assert result.exit_code == 1
    error = json.loads(result.stdout)["error"]
    assert error["code"] == "unreadable" and "orimligt högt avtalspris" in error["message"]
    assert error["details"]["errors"][0]["row"] == 5 and error["details"]["errors"][0]["column"] == "Avtalspris SEK"
    with app.app_context():
        assert db.session.scalar(select(ProcuredModel.id)) is None


def test_a_nonsense_ceiling_is_refused_at_start():
    from catalog_service import create_app

    with pytest.raises(ValueError, match="CATALOG_MAX_PRICE_SEK"):
        create_app({"TESTING": True, "MAX_PRICE_SEK": 10**17, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
