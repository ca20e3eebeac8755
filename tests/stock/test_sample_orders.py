"""Acceptance on the shared sample order export (planted personal data removed first)."""

from __future__ import annotations

import csv
import json

import pytest

from catalog_service.extensions import db
from catalog_service.stock.service import recommendations
from catalog_service.suppliers import profiles
from tests.conftest import post_upload

# The sample's lines run from 2025-11-03 to 2026-11-20; the analysis starts at the contract start.
SAMPLE_WINDOW = {"start": "2026-05-01", "end": "2026-11-20"}


@pytest.fixture
def sample_orders(app, runner, samples, sample_contract, blanked_export):
    result = runner.invoke(args=["orders", "import", str(blanked_export), "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def expected_quantities(samples) -> dict:
    with open(samples / "expected-order-quantities.csv", newline="", encoding="utf-8") as handle:
        return {
            (r["leverantor"], r["artikelnummer"]): (int(r["antal"]), int(r["orderrader"]))
            for r in csv.DictReader(handle)
        }


def test_per_article_units_and_lines_equal_the_expected_totals(app, samples, sample_orders):
    with app.app_context():
        report = recommendations(db.session, **SAMPLE_WINDOW)
    names = {code: p.name for code, p in profiles().items()}
    found = {(names[a["supplier"]], a["article_number"]): (a["units"], a["order_lines"]) for a in report["articles"]}
    assert found == expected_quantities(samples)
    truth = json.loads((samples / "expected.json").read_text(encoding="utf-8"))["orders"]
    assert sum(a["units"] for a in report["articles"]) == truth["total_quantity_from_contract_start"]
    assert len(report["articles"]) == truth["distinct_articles_from_contract_start"]
    # 1 May (a Friday) to 20 November 2026 (a Friday): ISO weeks 18–47
    assert report["settings"]["weeks"] == 30
    assert not any(a["recommend_stock"] for a in report["articles"] if a["made_to_measure"])


def test_value_uses_the_contract_price_of_the_published_article(
    app, samples, sample_orders, officer_client, reviewer_client
):
    assert post_upload(officer_client, samples / "rama-prislista-2026.xlsx", "rama").status_code == 201
    assert reviewer_client.post("/api/v1/suppliers/rama/publish", json={}).status_code == 201
    with open(samples / "expected-allowed-rama.csv", newline="", encoding="utf-8") as handle:
        prices = {row["article_number"]: row["contract_price_sek"] for row in csv.DictReader(handle)}
    with app.app_context():
        report = recommendations(db.session, **SAMPLE_WINDOW)
    rama = {a["article_number"]: a for a in report["articles"] if a["supplier"] == "rama"}
    top = rama["RK-11324"]  # the sample's top Rama article: 279 units in 139 lines
    assert (top["units"], top["order_lines"], top["in_assortment"]) == (279, 139, True)
    assert top["value_sek"] == pytest.approx(279 * float(prices["RK-11324"]))
    published = [a for a in rama.values() if a["in_assortment"]]
    assert published and all(a["article_number"] in prices for a in published)
    assert all(a["value_sek"] == pytest.approx(a["units"] * float(prices[a["article_number"]])) for a in published)
    assert any(a["recommend_stock"] for a in published)
    assert not any(a["recommend_stock"] for a in report["articles"] if a["made_to_measure"] or not a["in_assortment"])
