"""The feed's plain XLSX writer: the same cells as openpyxl's writer, read by openpyxl and by calamine."""

import io
from datetime import date, datetime

import python_calamine
from openpyxl import load_workbook

from exports.formats import xlsx_format
from exports.formats.xlsx_format import write_plain_workbook, write_workbook

MOMENT = datetime(2025, 3, 1, 8, 30, 15)
ROWS = [
    ["article_number", "name", "made_to_measure", "compression_class", "length"],
    ["0035024463", '=HYPERLINK("http://evil.example";"klicka")', True, 2, None],
    [" Sand & <svart> ", "Rad\nbruten", False, 0, "Kort"],
]


def _cells(data: bytes) -> list[list[tuple]]:
    sheet = load_workbook(io.BytesIO(data))["Blad"]
    return [[(cell.value, cell.data_type) for cell in row] for row in sheet.iter_rows()]


def test_plain_and_openpyxl_workbooks_hold_the_same_typed_cells():
    plain = write_plain_workbook([("Blad", ROWS)], MOMENT)
    assert _cells(plain) == _cells(write_workbook([("Blad", ROWS)], MOMENT))
    assert _cells(plain)[1][1] == ('=HYPERLINK("http://evil.example";"klicka")', "s")  # text, never a formula
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(plain))
    assert book.get_sheet_by_name("Blad").to_python()[2] == [" Sand & <svart> ", "Rad\nbruten", False, 0.0, "Kort"]
    assert load_workbook(io.BytesIO(plain)).properties.created == MOMENT


def test_values_the_plain_writer_does_not_write_go_to_openpyxl(monkeypatch):
    used = []
    monkeypatch.setattr(xlsx_format, "write_workbook", lambda sheets, moment: used.append(sheets) or b"openpyxl")
    document = {
        "supplier": "medi",
        "version": 1,
        "published_at": "2025-03-01T08:30:15Z",
        "contract": {"valid_from": date(2025, 1, 1), "valid_to": "2026-12-31"},  # a date, not text
        "items": [],
    }
    assert xlsx_format.XlsxFormat().write(document) == b"openpyxl" and len(used) == 1
