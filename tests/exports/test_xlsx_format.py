import io
import json
import zipfile
from datetime import datetime

from openpyxl import load_workbook

from exports.feed import ITEM_KEYS, item_row
from exports.formats.json_format import JsonFormat
from exports.formats.xlsx_format import XlsxFormat


def _workbook(document):
    return load_workbook(io.BytesIO(XlsxFormat().write(document)))


def _json_rows(document) -> list[list]:
    back = json.loads(JsonFormat().write(document))
    return [item_row(item) for item in back["items"]]


def test_xlsx_round_trips_items_with_the_json_values(document):
    sheet = _workbook(document)["Sortiment"]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == list(ITEM_KEYS)
    assert rows[1:] == _json_rows(document)


def test_xlsx_writes_formula_like_text_as_string_cells(document):
    workbook = _workbook(document)
    sheet = workbook["Sortiment"]
    name = sheet.cell(row=2, column=ITEM_KEYS.index("name") + 1)
    assert name.value == '=HYPERLINK("http://evil.example";"klicka")'
    assert name.data_type == "s"
    cells = [cell for ws in workbook for row in ws.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]


def test_xlsx_types_cells_like_the_json_values(document):
    sheet = _workbook(document)["Sortiment"]
    row = {key: cell for key, cell in zip(ITEM_KEYS, next(sheet.iter_rows(min_row=4, max_row=4)), strict=True)}
    assert (row["made_to_measure"].value, row["made_to_measure"].data_type) == (True, "b")
    assert (row["compression_class"].value, row["compression_class"].data_type) == (2, "n")
    assert (row["contract_price_sek"].value, row["contract_price_sek"].data_type) == ("1234.50", "s")
    assert (row["article_number"].value, row["article_number"].data_type) == ("0035024463", "s")
    assert row["length"].value is None


def test_xlsx_has_a_document_sheet_with_the_document_fields(document):
    workbook = _workbook(document)
    assert workbook.sheetnames == ["Sortiment", "Dokument"]
    assert [list(row) for row in workbook["Dokument"].iter_rows(values_only=True)] == [
        ["supplier", "medi"],
        ["version", 7],
        ["published_at", "2025-03-01T08:30:15Z"],
        ["contract.valid_from", "2025-01-01"],
        ["contract.valid_to", "2026-12-31"],
    ]


def test_xlsx_is_deterministic_and_stamped_with_published_at(document):
    data = XlsxFormat().write(document)
    assert data == XlsxFormat().write(json.loads(json.dumps(document)))
    published = datetime(2025, 3, 1, 8, 30, 15)
    properties = load_workbook(io.BytesIO(data)).properties
    assert (properties.created, properties.modified) == (published, published)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        # Zip times have a two-second resolution.
        assert {entry.date_time for entry in archive.infolist()} == {(2025, 3, 1, 8, 30, 14)}


def test_xlsx_changes_when_the_document_changes(document):
    before = XlsxFormat().write(document)
    document["published_at"] = "2025-03-02T08:30:15Z"
    assert XlsxFormat().write(document) != before
