"""The demo files: layouts like the samples, a few planted problems, identical bytes every time."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

import openpyxl
import pytest

from catalog_service.demo.data import BASE_COLOURS, write_demo_files
from tests.factories.workbooks import SORTIMENT_HEADERS

SHEETS = {
    "essity": ["Info", "Leg", "Arm"],
    "juzo": ["Preisliste SE 2026"],
    "medi": ["Kompression"],
    "rama": ["Blad1"],
}
# (header row, first header, article column, model column, price column) per supplier.
LAYOUTS = {
    "essity": (4, "Article No", 0, 4, 10),
    "juzo": (1, "Artikelnummer", 0, 3, 10),
    "medi": (2, "Art.nr", 0, 3, 9),
    "rama": (1, "Artikel", 0, 2, 8),
}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    return write_demo_files(tmp_path_factory.mktemp("demo"))


def _rows(path, sheet):
    return list(openpyxl.load_workbook(path)[sheet].iter_rows(values_only=True))


def _data_rows(code, path):
    """(sheet, rows below the header with at least two filled cells) for each price sheet."""
    header_row = LAYOUTS[code][0]
    for sheet in SHEETS[code]:
        rows = _rows(path, sheet)
        if rows[header_row - 1][0] == LAYOUTS[code][1]:
            yield sheet, [r for r in rows[header_row:] if sum(v is not None for v in r) >= 2]


def test_files_exist(demo):
    assert demo["contract"].name == "avtal-demo.xlsx" and demo["contract"].is_file()
    assert sorted(demo["pricelists"]) == ["essity", "juzo", "medi", "rama"]
    assert all(path.is_file() for path in demo["pricelists"].values())


def test_contract_format(demo):
    assert openpyxl.load_workbook(demo["contract"]).sheetnames == ["Sortiment", "Basfärger"]
    sortiment = _rows(demo["contract"], "Sortiment")
    assert sortiment[0] == tuple(SORTIMENT_HEADERS)  # the names the contract reader looks for first
    assert all(r[9] == datetime(2026, 5, 1) and r[10] == datetime(2028, 4, 30) for r in sortiment[1:])
    assert all(isinstance(r[8], (int, float)) and r[7] in ("Ja", "Nej") for r in sortiment[1:])
    per_supplier = Counter(r[0] for r in sortiment[1:])
    assert set(per_supplier) == {"Essity", "Juzo", "Medi", "Rama"}
    assert all(3 <= count <= 5 for count in per_supplier.values())
    assert _rows(demo["contract"], "Basfärger") == [
        ("Leverantör", "Basfärg", "Leverantörens benämningar"),
        *BASE_COLOURS,
    ]


@pytest.mark.parametrize("code", SHEETS)
def test_price_list_sheets_and_headers(demo, code):
    path = demo["pricelists"][code]
    assert openpyxl.load_workbook(path).sheetnames == SHEETS[code]
    header_row, first_header = LAYOUTS[code][:2]
    sheets = [sheet for sheet, _ in _data_rows(code, path)]
    assert sheets == [s for s in SHEETS[code] if s != "Info"]
    for sheet in sheets:
        assert _rows(path, sheet)[header_row - 1][0] == first_header
        assert all(row[0] != first_header for row in _rows(path, sheet)[: header_row - 1])


@pytest.mark.parametrize("code", SHEETS)
def test_price_list_content(demo, code):
    path = demo["pricelists"][code]
    _, _, article, model, price = LAYOUTS[code]
    rows = [row for _, sheet_rows in _data_rows(code, path) for row in sheet_rows]
    assert 200 <= len(rows) <= 600
    assert sum(row[article] is None for row in rows) == 1
    assert sum(row[price] == "POA" for row in rows) == 1
    articles = Counter(row[article] for row in rows if row[article] is not None)
    assert [count for count in articles.values() if count > 1] == [2]
    procured = {r[2] for r in _rows(demo["contract"], "Sortiment")[1:]}
    assert procured & {row[model] for row in rows}
    assert sum(row[model] in procured for row in rows) < len(rows) / 2


def test_layout_details(demo):
    juzo = _rows(demo["pricelists"]["juzo"], "Preisliste SE 2026")[1:]
    assert all(isinstance(r[0], str) and r[0].startswith("00") for r in juzo if r[0] is not None)
    assert any(isinstance(r[10], str) and "," in r[10] for r in juzo)
    medi = openpyxl.load_workbook(demo["pricelists"]["medi"])["Kompression"]
    assert [str(r) for r in medi.merged_cells.ranges] == ["A1:J1"]
    rama = _rows(demo["pricelists"]["rama"], "Blad1")
    assert rama[-1][0] == "Alla priser exkl. moms" and all(v is None for v in rama[-2])
    assert any(all(v is None for v in row) for row in rama[1:-2])
    assert {type(r[9]) for r in rama[1:-2] if r[9] is not None} == {str, datetime}


def test_one_unknown_colour_per_list(demo):
    typos = {"essity": "Natrual", "juzo": "Schwartz", "medi": "Caramell", "rama": "Hudfarg"}
    for code, typo in typos.items():
        cells = [v for _, rows in _data_rows(code, demo["pricelists"][code]) for row in rows for v in row]
        assert cells.count(typo) == 1


def test_files_are_byte_identical_when_written_twice(demo, tmp_path):
    again = write_demo_files(tmp_path)
    assert again["contract"].read_bytes() == demo["contract"].read_bytes()
    for code, path in demo["pricelists"].items():
        assert again["pricelists"][code].read_bytes() == path.read_bytes(), code
