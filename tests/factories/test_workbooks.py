"""The workbook builders produce what they claim."""

from __future__ import annotations

import re
import zipfile
import zlib
from datetime import datetime

import openpyxl
import pytest

from tests.factories import workbooks as wb

VALID_ZIP_BUILDERS = [
    wb.small_price_list,
    wb.formula_price_list,
    wb.zip_many_entries,
    wb.lying_dimension_workbook,
    wb.macro_workbook,
    wb.external_link_workbook,
]


def _sheet_xml(path, sheet="xl/worksheets/sheet1.xml") -> bytes:
    with zipfile.ZipFile(path) as archive:
        return archive.read(sheet)


def test_price_list_puts_titles_extra_sheets_and_typed_cells(tmp_path):
    path = wb.price_list(
        tmp_path,
        ["Artikel", "Pris", "Giltig från"],
        [["0012", 10.5, datetime(2026, 5, 1)], [None, "POA", "2026-05-01"]],
        title_rows=2,
        sheet="Priser",
        extra_sheets=[("Info", [["Fri text"]])],
    )
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Info", "Priser"]
    rows = list(book["Priser"].iter_rows(values_only=True))
    assert rows[0][0].startswith("Prislista") and rows[1][1] is None
    assert rows[2] == ("Artikel", "Pris", "Giltig från")
    assert rows[3] == ("0012", 10.5, datetime(2026, 5, 1))
    assert rows[4] == (None, "POA", "2026-05-01")


def test_price_list_is_deterministic(tmp_path):
    first = wb.price_list(tmp_path, ["A", "B"], [["x", 1]], name="a.xlsx").read_bytes()
    assert wb.price_list(tmp_path, ["A", "B"], [["x", 1]], name="b.xlsx").read_bytes() == first


def test_contract_matches_sample_format(tmp_path):
    models = [
        wb.ContractModel("Medi", 1, "SOL1-AD", "Sol knästrumpa KKL 1", price=371.5),
        {
            "Leverantör": "Rama",
            "Position": 2,
            "Modellnummer": "R16-K2-AD",
            "Avtalspris SEK": 427,
            "Giltig från": datetime(2026, 5, 1),
            "Giltig till": datetime(2028, 4, 30),
        },
    ]
    path = wb.contract(tmp_path, models, [("Medi", "Sand", "Sand"), ("Rama", "Svart", "Svart, SV")])
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Sortiment", "Basfärger"]
    sortiment = list(book["Sortiment"].iter_rows(values_only=True))
    assert list(sortiment[0]) == wb.SORTIMENT_HEADERS
    assert sortiment[1][2] == "SOL1-AD" and sortiment[1][9] == datetime(2026, 5, 1)
    assert sortiment[2][8] == 427 and sortiment[2][3] is None
    assert list(book["Basfärger"].iter_rows(values_only=True))[2] == ("Rama", "Svart", "Svart, SV")


@pytest.mark.parametrize("builder", VALID_ZIP_BUILDERS)
def test_valid_zip_builders_give_zips_with_a_workbook(tmp_path, builder):
    with zipfile.ZipFile(builder(tmp_path)) as archive:
        assert archive.testzip() is None
        assert "xl/workbook.xml" in archive.namelist()


@pytest.mark.parametrize(
    "builder", [wb.small_price_list, wb.formula_price_list, wb.macro_workbook, wb.external_link_workbook]
)
def test_openpyxl_opens_the_workbooks(tmp_path, builder):
    rows = list(openpyxl.load_workbook(builder(tmp_path)).active.iter_rows(values_only=True))
    assert list(rows[0]) == wb.SMALL_LAYOUT and len(rows) == 1 + len(wb.SMALL_ROWS)


def test_formula_prices_keep_formula_and_cached_value(tmp_path):
    path = wb.formula_price_list(tmp_path)
    assert openpyxl.load_workbook(path).active["J2"].value == "=400+9.5"
    assert openpyxl.load_workbook(path, data_only=True).active["J2"].value == 409.5


def test_far_cell_is_in_the_last_cell(tmp_path):
    xml = _sheet_xml(wb.far_cell_workbook(tmp_path))
    assert b'<dimension ref="A1:XFD1048576"/>' in xml
    assert b'r="XFD1048576"' in xml


def test_lying_dimension_has_few_rows(tmp_path):
    xml = _sheet_xml(wb.lying_dimension_workbook(tmp_path))
    assert b'<dimension ref="A1:XFD1048576"/>' in xml
    assert len(re.findall(rb"<row ", xml)) == 1 + len(wb.SMALL_ROWS)


def test_bomb_ratio_is_above_200(tmp_path):
    with zipfile.ZipFile(wb.zip_bomb_ratio(tmp_path)) as archive:
        [entry] = archive.infolist()
    assert entry.file_size >= 50 * 1024 * 1024
    assert entry.file_size / entry.compress_size > 200


def test_many_entries(tmp_path):
    with zipfile.ZipFile(wb.zip_many_entries(tmp_path)) as archive:
        assert len(archive.infolist()) > 5000


def test_macro_and_external_link_parts(tmp_path):
    with zipfile.ZipFile(wb.macro_workbook(tmp_path)) as archive:
        assert archive.read("xl/vbaProject.bin").startswith(wb.OLE_MAGIC)
        assert b"application/vnd.ms-excel.sheet.macroEnabled.main+xml" in archive.read("[Content_Types].xml")
    with zipfile.ZipFile(wb.external_link_workbook(tmp_path)) as archive:
        assert "xl/externalLinks/externalLink1.xml" in archive.namelist()


def test_ole_files(tmp_path):
    old = wb.xls_renamed(tmp_path).read_bytes()
    encrypted = wb.encrypted_workbook(tmp_path).read_bytes()
    assert old.startswith(wb.OLE_MAGIC) and encrypted.startswith(wb.OLE_MAGIC)
    assert "EncryptedPackage".encode("utf-16-le") in encrypted
    assert "EncryptionInfo".encode("utf-16-le") in encrypted
    assert "Encrypted".encode("utf-16-le") not in old


def test_broken_zips(tmp_path):
    assert wb.empty_file(tmp_path).stat().st_size == 0
    assert wb.csv_renamed(tmp_path).read_bytes().startswith(b"Art.nr;GTIN")
    with pytest.raises(zipfile.BadZipFile):
        zipfile.ZipFile(wb.truncated_zip(tmp_path))
    with zipfile.ZipFile(wb.zip_without_workbook(tmp_path)) as archive:
        assert archive.namelist() == ["readme.txt"]
    damaged = wb.corrupt_zip(tmp_path)
    with zipfile.ZipFile(damaged) as archive, pytest.raises((zipfile.BadZipFile, zlib.error)):
        archive.read("xl/worksheets/sheet1.xml")
