"""The review lists GTINs with a wrong GS1 check digit or length ("GTIN med fel kontrollsiffra"); verdicts stand."""

from __future__ import annotations

import json

import pytest

from tests.conftest import page_client
from tests.factories import assortments as factory

MODEL = factory.model("medi", 1)
ROWS = [
    factory.Article("MED-0001", MODEL, gtin="4048713000012"),  # 13 digits, right check digit
    factory.Article("MED-0002", MODEL, gtin="4048713000017"),  # wrong check digit
    factory.Article("MED-0003", MODEL, gtin="96385074"),  # 8 digits, right
    factory.Article("MED-0004", MODEL, gtin="036000291452"),  # 12 digits, right
    factory.Article("MED-0005", MODEL, gtin="00036000291452"),  # 14 digits, right
    factory.Article("MED-0006", MODEL, gtin="40487130000"),  # 11 digits: no GTIN length
    factory.Article("MED-0007", MODEL, gtin="12345678"),  # 8 digits, wrong check digit
    factory.Article("MED-0008", MODEL),  # no GTIN: nothing to check
]
EXPECTED = [
    {"sheet": "Blad1", "row": 3, "article_number": "MED-0002", "gtin": "4048713000017", "reason": "check_digit"},
    {"sheet": "Blad1", "row": 7, "article_number": "MED-0006", "gtin": "40487130000", "reason": "length"},
    {"sheet": "Blad1", "row": 8, "article_number": "MED-0007", "gtin": "12345678", "reason": "check_digit"},
]


@pytest.fixture
def draft(app, tmp_path):
    factory.load_contract(app, factory.small_contract(tmp_path))
    return factory.import_draft(app, factory.write_price_list(tmp_path, "medi", ROWS), "medi")


def test_review_json_lists_wrong_gtins_with_sheet_and_row_and_keeps_the_verdicts(draft, officer_client):
    review = officer_client.get(f"/api/v1/pricelists/{draft}/diff").get_json()

    assert review["invalid_gtins"] == EXPECTED
    # Every row is still allowed: a wrong GTIN is a notice, not a reason to drop the item.
    assert sorted(i["article_number"] for i in review["diff"]["added"]) == [r.article_number for r in ROWS]


def test_pricelist_diff_names_wrong_gtins(draft, runner):
    text = runner.invoke(args=["pricelist", "diff", "--supplier", "medi"])
    as_json = runner.invoke(args=["pricelist", "diff", "--supplier", "medi", "--json"])

    assert text.exit_code == 0, text.output
    assert "GTIN med fel kontrollsiffra: flik 'Blad1' rad 3: 4048713000017" in text.output
    assert "rad 7: 40487130000" in text.output and "rad 8: 12345678" in text.output
    assert "4048713000012" not in text.output
    assert json.loads(as_json.stdout)["invalid_gtins"] == EXPECTED


def test_review_page_has_a_gtin_section(app, draft):
    page = page_client(app, "upphandlare", name="upphandlare2").get("/review/medi").text

    assert "GTIN med fel kontrollsiffra (3)" in page
    assert "<td>MED-0002</td><td>4048713000017</td>" in page
    assert "<td>MED-0001</td><td>4048713000012</td>" not in page
