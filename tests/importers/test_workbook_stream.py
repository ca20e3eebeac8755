"""The streaming .xlsx reader (importers.workbook.stream_sheets) gives the rows python-calamine gives.

Price lists in .xlsx are streamed (python-calamine-plus) so that rows move before
the whole sheet is parsed; everything after the reader was built and tested on
python-calamine's values. These tests hold the two readers to the same rows on
every kind of cell, and check what the stream does differently on purpose: row
numbers from row 1, the row limit while reading, the declared size for progress.
"""

from __future__ import annotations

import shutil
from datetime import date, datetime, time
from pathlib import Path

import openpyxl
import pytest
import python_calamine
import xlsxwriter

from importers.errors import ImportFileError
from importers.formats import iter_file_sheets
from importers.workbook import EXCEL_ERRORS, declared_last_rows, stream_sheets
from tests.conftest import SAMPLES


def calamine_rows(path: Path) -> dict[str, list[list]]:
    """Each worksheet's rows as python-calamine reads them (from its first used row, as iter_rows gives them)."""
    with python_calamine.load_workbook(str(path)) as book:
        return {name: list(book.get_sheet_by_name(name).iter_rows()) for name in book.sheet_names}


def streamed_rows(path: Path, **options) -> dict[str, list[list]]:
    return {name: list(rows) for name, _height, rows in stream_sheets(path, **options)}


def trimmed(rows: list[list]) -> list[list]:
    """Rows without trailing empty cells, and without trailing empty rows: the two readers pad differently."""
    result = []
    for row in rows:
        row = list(row)
        while row and row[-1] == "":
            row.pop()
        result.append(row)
    while result and not result[-1]:
        result.pop()
    return result


def typed(rows: list[list]) -> list[list]:
    """Values with their types: 1 == 1.0 == True in Python, but not to the cleaners."""
    return [[(type(value).__name__, value) for value in row] for row in rows]


def assert_same_rows(path: Path) -> None:
    expected, got = calamine_rows(path), streamed_rows(path)
    assert list(got) == list(expected)
    for name in expected:
        assert typed(trimmed(got[name])) == typed(trimmed(expected[name])), name


def every_kind_of_cell(path: Path) -> Path:
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Prislista")
    dates = book.add_format({"num_format": "yyyy-mm-dd"})
    moments = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    clock = book.add_format({"num_format": "hh:mm"})
    rows = [
        ["Artikel", "Pris", "Klass", "Datum", "Text"],
        ["MD1", 450, 2, date(2026, 5, 1), "Beige"],
        ["MD2", 450.5, 2.0, datetime(2026, 5, 1, 12, 30), " Svart "],
        [1234, -0.0, 1e20, time(12, 0), "Hudfärg"],
        [7350012530778, 12345678901234567890, 0.1 + 0.2, True, False],
        ["", None, "", "", "ensam"],
    ]
    for number, row in enumerate(rows):
        for column, value in enumerate(row):
            if isinstance(value, datetime):
                sheet.write_datetime(number, column, value, moments)
            elif isinstance(value, date):
                sheet.write_datetime(number, column, datetime(value.year, value.month, value.day), dates)
            elif isinstance(value, time):
                sheet.write_datetime(number, column, value, clock)
            elif value is not None:
                sheet.write(number, column, value)
    sheet.write_formula(6, 0, "=1+1", None, 2)  # a formula's cached result is what both readers give
    sheet.write_formula(6, 1, '="MD"&"9"', None, "MD9")
    sheet.write_string(8, 2, "after an empty row")
    second = book.add_worksheet("B & C")
    second.write_string(0, 0, "only")
    book.add_worksheet("Tom")
    book.close()
    return path


def test_every_kind_of_cell_streams_as_python_calamine_reads_it(tmp_path):
    assert_same_rows(every_kind_of_cell(tmp_path / "celler.xlsx"))


def test_error_cells_stream_empty_as_python_calamine_reads_them(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Artikel", "Pris"])
    sheet.append(["MD1", "#N/A"])  # openpyxl writes these as error cells
    sheet.append(["#DIV/0!", 5])
    book.save(tmp_path / "fel.xlsx")

    assert_same_rows(tmp_path / "fel.xlsx")
    assert trimmed(streamed_rows(tmp_path / "fel.xlsx")["Sheet"]) == [["Artikel", "Pris"], ["MD1"], ["", 5.0]]
    assert "#N/A" in EXCEL_ERRORS


SAMPLE_LISTS = ("essity-prislista-2026.xlsx", "juzo-preisliste-2026.xlsx", "medi-prislista-2026.xlsx")


@pytest.mark.parametrize("name", [*SAMPLE_LISTS, "rama-prislista-2026.xlsx"])
def test_sample_price_lists_stream_as_python_calamine_reads_them(name):
    if not (SAMPLES / name).exists():
        pytest.skip(f"the shared samples are not here ({SAMPLES})")
    assert_same_rows(SAMPLES / name)


def test_rows_are_numbered_from_excel_row_one_when_the_sheet_starts_lower(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet["B4"], sheet["C4"], sheet["B5"] = "Artikel", "Pris", "MD1"
    book.save(tmp_path / "lagre.xlsx")

    rows = streamed_rows(tmp_path / "lagre.xlsx")["Sheet"]

    assert [row[1:3] for row in rows[3:5]] == [["Artikel", "Pris"], ["MD1", ""]]  # Excel rows 4 and 5
    assert all(not any(row) for row in rows[:3])


def test_a_stored_upload_without_its_extension_streams_too(tmp_path):
    source = every_kind_of_cell(tmp_path / "celler.xlsx")
    stored = tmp_path / "upload-1234"
    shutil.copyfile(source, stored)

    assert streamed_rows(stored) == streamed_rows(source)
    assert [name for name, _, _ in iter_file_sheets(stored)] == ["Prislista", "B & C", "Tom"]


def test_declared_size_is_given_for_progress(tmp_path):
    path = every_kind_of_cell(tmp_path / "celler.xlsx")

    assert declared_last_rows(path) == {"Prislista": 9, "B & C": 1, "Tom": 1}
    assert [(name, height) for name, height, _ in stream_sheets(path)] == [("Prislista", 9), ("B & C", 1), ("Tom", 1)]


def test_a_sheet_without_a_declared_size_streams_with_size_zero(tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["Artikel", "Pris"])
    book.save(tmp_path / "a.xlsx")
    stripped = tmp_path / "utan-dimension.xlsx"
    _rewrite_sheet(tmp_path / "a.xlsx", stripped, lambda xml: xml.replace(b'<dimension ref="A1:B1"/>', b""))

    ((name, height, rows),) = list(stream_sheets(stripped))

    assert (name, height, list(rows)) == ("Sheet", 0, [["Artikel", "Pris"]])


def test_a_sheet_longer_than_the_limit_is_refused_while_it_is_read(tmp_path):
    book = openpyxl.Workbook()
    for number in range(10):
        book.active.append([f"MD{number}", number])
    book.save(tmp_path / "lang.xlsx")

    ((_name, _height, rows),) = list(stream_sheets(tmp_path / "lang.xlsx", max_rows=4))
    taken = []
    with pytest.raises(ImportFileError) as raised:
        for row in rows:
            taken.append(row)

    assert len(taken) == 4  # reading stops at the limit
    assert raised.value.kind == "unreadable"
    assert "för många rader" in raised.value.message
    assert raised.value.details == {"sheet": "Sheet", "rows": 5, "max_rows": 4}


def test_a_sheet_that_is_not_xml_is_refused_as_unreadable(tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["Artikel", "Pris"])
    book.save(tmp_path / "a.xlsx")
    broken = tmp_path / "trasig.xlsx"
    _rewrite_sheet(tmp_path / "a.xlsx", broken, lambda xml: xml.replace(b"</sheetData>", b"<row><c></sheetData>"))

    with pytest.raises(ImportFileError) as raised:
        for _name, _height, rows in stream_sheets(broken):
            list(rows)

    assert raised.value.kind == "unreadable"


def _rewrite_sheet(source: Path, target: Path, change) -> None:
    import zipfile

    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for entry in old.infolist():
            data = old.read(entry.filename)
            new.writestr(entry.filename, change(data) if entry.filename == "xl/worksheets/sheet1.xml" else data)


@pytest.mark.parametrize("target", ["xlsx", "xls", "ods"])
def test_whole_sheet_reads_number_rows_and_columns_from_a1_when_the_sheet_starts_lower(tmp_path, target):
    """iter_sheets (.xls, .xlsb, .ods, contracts, orders) pads only what python-calamine leaves out: the
    columns before the used range; it used to add the rows above it a second time (rows 3 became row 6)."""
    from importers.workbook import iter_sheets
    from tests.factories.formats import SOFFICE, convert

    book = openpyxl.Workbook()
    book.active["C3"], book.active["D3"], book.active["C4"] = "Artikel", "Pris", "MD1"
    source = tmp_path / "lagre.xlsx"
    book.save(source)
    if target != "xlsx":
        if SOFFICE is None:
            pytest.skip("LibreOffice (soffice) converts the file; not installed here")
        source = convert([source], target, tmp_path / target, tmp_path / "lo-profile")[source]

    (_name, height, rows), *_ = iter_sheets(source)
    rows = list(rows)

    assert height == 4
    assert [row[2:4] for row in rows[2:4]] == [["Artikel", "Pris"], ["MD1", ""]]  # Excel rows 3 and 4, C and D
    assert all(not any(row) for row in rows[:2]) and len(rows) == 4
