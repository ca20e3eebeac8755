"""Acceptance: import → diff → publish → fetch on each shared sample; a changed workbook's diff and changes."""

from __future__ import annotations

import csv
import io
import json
import shutil

import openpyxl
import pytest

from tests.conftest import bearer_client, make_token, post_upload

SUPPLIERS = ("essity", "juzo", "medi", "rama")
COMPARED = ("article_number", "model", "base_colour", "position", "contract_price_sek")


@pytest.fixture
def expected(samples):
    return json.loads((samples / "expected.json").read_text(encoding="utf-8"))


def upload(client, path, supplier):
    response = post_upload(client, path, supplier)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def expected_rows(path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as handle:
        return [{key: row[key] for key in COMPARED} for row in csv.DictReader(handle)]


@pytest.mark.parametrize("supplier", SUPPLIERS)
def test_full_cycle_feed_equals_expected_allowed_items(
    app, samples, sample_contract, expected, officer_client, reviewer_client, supplier
):
    truth = expected["suppliers"][supplier]
    summary = upload(officer_client, samples / truth["file"], supplier)

    review = officer_client.get(f"/api/v1/pricelists/{summary['import_id']}/diff").get_json()
    assert len(review["diff"]["added"]) == truth["allowed"]
    assert review["against_version"] is None
    missing = {m["model"] for m in review["reconciliation"]["models_without_allowed_items"]}
    assert missing == set(truth["procured_models_without_rows"])

    published = reviewer_client.post(f"/api/v1/suppliers/{supplier}/publish", json={})
    assert published.status_code == 201, published.get_json()
    assert published.get_json()["version"] == 1

    eshop = bearer_client(app, make_token(app, eshop=supplier))
    feed = eshop.get(f"/api/v1/feeds/{supplier}").get_json()
    assert feed["version"] == 1 and feed["supplier"] == supplier
    assert feed["contract"] == {"valid_from": "2026-05-01", "valid_to": "2028-04-30"}
    assert feed["ordering"]["identifier"] == "kundordernummer"
    items = sorted(({k: item[k] for k in COMPARED} for item in feed["items"]), key=lambda i: i["article_number"])
    assert items == expected_rows(samples / truth["allowed_csv"])

    as_csv = eshop.get(f"/api/v1/feeds/{supplier}?format=csv").get_data(as_text=True).lstrip("\ufeff")
    csv_items = [{k: row[k] for k in COMPARED} for row in csv.DictReader(io.StringIO(as_csv))]
    assert sorted(csv_items, key=lambda i: i["article_number"]) == items


def _allowed_rows(sheet, allowed: set[str]) -> list[int]:
    return [row[0].row for row in sheet.iter_rows(min_row=2) if row[0].value in allowed]


def test_changed_workbook_shows_exactly_its_changes(
    app, samples, sample_contract, officer_client, reviewer_client, tmp_path
):
    original = samples / "rama-prislista-2026.xlsx"
    upload(officer_client, original, "rama")
    assert reviewer_client.post("/api/v1/suppliers/rama/publish", json={}).status_code == 201
    allowed = {row["article_number"] for row in expected_rows(samples / "expected-allowed-rama.csv")}

    changed = tmp_path / "rama-prislista-2026-andrad.xlsx"
    shutil.copyfile(original, changed)
    book = openpyxl.load_workbook(changed)
    sheet = book["Blad1"]
    price_row, removed_row = _allowed_rows(sheet, allowed)[:2]
    priced_article, removed_article = sheet.cell(price_row, 1).value, sheet.cell(removed_row, 1).value
    old_price = sheet.cell(price_row, 9).value
    sheet.cell(price_row, 9).value = old_price + 10
    template = [cell.value for cell in sheet[removed_row]]
    sheet.delete_rows(removed_row)
    sheet.insert_rows(3)
    for column, value in enumerate(template, start=1):
        sheet.cell(3, column).value = "RK-99999" if column == 1 else value
    book.save(changed)

    summary = upload(officer_client, changed, "rama")
    diff = officer_client.get(f"/api/v1/pricelists/{summary['import_id']}/diff").get_json()["diff"]
    assert [item["article_number"] for item in diff["added"]] == ["RK-99999"]
    assert [item["article_number"] for item in diff["removed"]] == [removed_article]
    assert diff["changed"] == [
        {
            "article_number": priced_article,
            "fields": {"list_price_sek": {"old": f"{old_price:.2f}", "new": f"{old_price + 10:.2f}"}},
        }
    ]
    assert diff["unchanged"] == 534 - 2

    assert reviewer_client.post("/api/v1/suppliers/rama/publish", json={}).status_code == 201
    eshop = bearer_client(app, make_token(app, eshop="rama"))
    changes = eshop.get("/api/v1/feeds/rama/changes?since=1").get_json()
    assert changes["version"] == 2
    assert (changes["added"], changes["removed"], changes["changed"]) == (
        diff["added"],
        diff["removed"],
        diff["changed"],
    )
