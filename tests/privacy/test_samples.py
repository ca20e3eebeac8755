"""The guard on the shared sample files: the planted personal data in the order export, and the price lists."""

from __future__ import annotations

import functools
import json
from datetime import date
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from catalog_service.privacy import check_structured, guard_cells

ORDER_FILE = "websesam-orderrader.xlsx"
PRICE_LISTS = (
    "essity-prislista-2026.xlsx",
    "juzo-preisliste-2026.xlsx",
    "medi-prislista-2026.xlsx",
    "rama-prislista-2026.xlsx",
)
# The order export's structured columns: checked against their formats, never scanned.
STRUCTURED_COLUMNS = {"Kundordernummer": "kundordernummer", "Artikelnummer": "article_number"}
# expected.json kind → the guard kinds that count as finding it.
KIND_FAMILIES = {
    "name_address": {"street_address", "postal_address"},
    "phone": {"phone"},
    "email": {"email"},
    "personnummer": {"personnummer", "samordningsnummer"},
}
TODAY = date(2026, 11, 25)  # the samples were generated before this; a fixed date keeps the test stable


def _family(expected_kind: str) -> set[str]:
    return KIND_FAMILIES["personnummer" if expected_kind.startswith("personnummer") else expected_kind]


@functools.cache
def _rows(path: Path, sheet: str) -> list[list]:
    """A sheet's rows (read once per test session: the order export has 20,000 of them)."""
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python(skip_empty_area=False)


@pytest.fixture
def order_truth(samples) -> dict:
    return json.loads((samples / "expected.json").read_text(encoding="utf-8"))["orders"]


@pytest.fixture
def order_rows(samples) -> list[list]:
    return _rows(samples / ORDER_FILE, "Orderrader")


def _kommentar_cells(order_rows):
    column = order_rows[0].index("Kommentar")
    return [("Orderrader", number, "Kommentar", row[column]) for number, row in enumerate(order_rows[1:], start=2)]


def test_every_planted_row_in_the_order_export_is_found_with_its_kind(order_rows, order_truth):
    findings = guard_cells(_kommentar_cells(order_rows), today=TODAY)
    kinds_by_row: dict[int, set[str]] = {}
    for finding in findings:
        kinds_by_row.setdefault(finding["row"], set()).add(finding["kind"])
    for planted in order_truth["pii_rows"]:
        found = kinds_by_row.get(planted["row"], set())
        assert found, f"row {planted['row']} ({planted['kind']}) not found"
        assert found <= _family(planted["kind"]), (planted["row"], planted["kind"], found)
    address_rows = [p["row"] for p in order_truth["pii_rows"] if p["kind"] == "name_address"]
    assert all(kinds_by_row[row] == {"street_address", "postal_address"} for row in address_rows)


def test_no_decoy_or_other_row_in_the_order_export_gives_a_finding(order_rows, order_truth):
    findings = guard_cells(_kommentar_cells(order_rows), today=TODAY)
    planted = {p["row"] for p in order_truth["pii_rows"]}
    decoys = {d["row"] for d in order_truth["decoy_rows"]}
    assert len(decoys) == 16
    assert {f["row"] for f in findings} == planted
    assert not decoys & {f["row"] for f in findings}


def test_other_order_columns_hold_no_personal_data_and_structured_ones_fit_their_format(order_rows, order_truth):
    headers = order_rows[0]
    scanned, structured_errors = [], []
    for number, row in enumerate(order_rows[1:], start=2):
        for header, value in zip(headers, row, strict=False):
            if header == "Kommentar" or not isinstance(value, str) or not value.strip():
                continue
            if header in STRUCTURED_COLUMNS:
                if error := check_structured(STRUCTURED_COLUMNS[header], value, today=TODAY):
                    structured_errors.append((number, header, error))
            else:
                scanned.append(("Orderrader", number, header, value))
    assert structured_errors == []
    assert guard_cells(scanned, today=TODAY) == []


@pytest.mark.parametrize("name", PRICE_LISTS)
def test_no_text_cell_of_a_supplier_price_list_gives_a_finding(samples, name):
    workbook = CalamineWorkbook.from_path(str(samples / name))
    cells = [
        (sheet, number, column, value)
        for sheet in workbook.sheet_names
        for number, row in enumerate(workbook.get_sheet_by_name(sheet).to_python(skip_empty_area=False), start=1)
        for column, value in enumerate(row, start=1)
        if isinstance(value, str)
    ]
    assert len(cells) > 1000  # the sheets were read
    assert guard_cells(cells, today=TODAY) == []
