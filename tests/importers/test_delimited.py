"""The CSV reader and the dispatch by content: encodings, delimiters, line numbers, text kept as text."""

from __future__ import annotations

import codecs

import pytest

from importers import delimited
from importers.errors import ImportFileError
from importers.formats import check_file, file_format, iter_file_sheets
from tests.factories import formats
from tests.factories import workbooks as wb
from tests.importers.test_pricelist_reader import read


def _write(tmp_path, data: bytes, name: str = "lista.csv"):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _sheet(path):
    ((name, height, rows),) = list(iter_file_sheets(path))
    return name, height, list(rows)


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        ("Färg;Pris\nSvart;1 234,50\n".encode(), "utf-8"),
        (codecs.BOM_UTF8 + "Färg;Pris\nSvart;1 234,50\n".encode(), "utf-8"),
        ("Färg;Pris\nSvart;1 234,50\n".encode("cp1252"), "windows-1252"),
        (b"Colour;Price\nBlack;12\n", "utf-8"),
    ],
)
def test_encoding_is_found_from_the_bytes(data, encoding):
    text, found = delimited.decode(data)
    assert found == encoding
    assert text.lstrip("\ufeff").startswith(("Färg", "Colour"))
    assert "Ã" not in text


def test_utf8_is_never_read_as_windows_1252():
    """Every UTF-8 encoding of å, ä, ö, é, ü is also valid Windows-1252 (as Ã¥, Ã¤ …): UTF-8 must be tried first."""
    data = "Modell;Färg\nSÅ;Grå\nÖ;Crème\nü;Ä\n".encode()
    data.decode("cp1252")  # would "work", silently wrong
    assert delimited.decode(data) == ("Modell;Färg\nSÅ;Grå\nÖ;Crème\nü;Ä\n", "utf-8")


def test_a_file_in_neither_encoding_is_refused_naming_the_line(tmp_path):
    path = formats.csv_in_neither_encoding(tmp_path)
    with pytest.raises(ImportFileError) as caught:
        check_file(path)
    error = caught.value
    assert error.code == "unreadable"
    assert "varken UTF-8 eller Windows-1252" in error.message
    assert "rad 3" in error.message and "0x81" in error.message
    assert error.details["row"] == 3


def test_broken_utf8_after_a_bom_is_refused(tmp_path):
    path = _write(tmp_path, codecs.BOM_UTF8 + "a;b\nä;ö\n".encode() + b"\xe4;x\n")
    with pytest.raises(ImportFileError) as caught:
        check_file(path)
    assert "rad 3" in caught.value.message and "UTF-8" in caught.value.message


def test_utf16_text_is_refused_clearly(tmp_path):
    path = _write(tmp_path, "Art.nr\tFärg\n".encode("utf-16"))
    with pytest.raises(ImportFileError) as caught:
        check_file(path)
    assert caught.value.code == "unsupported"
    assert "UTF-16" in caught.value.message


@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
def test_delimiter_is_found_even_with_decimal_commas_and_a_title_above(tmp_path, delimiter):
    rows = [[*row[:-1], f"{row[-1]:.2f}".replace(".", ",")] for row in wb.SMALL_ROWS]
    above = ["Prislista Medi 2026, gäller från 1 maj", ""]
    path = formats.small_csv(tmp_path, rows=rows, delimiter=delimiter, above=above)
    layouts, parsed, summary = read(path)
    assert [(layout.name, layout.header_row) for layout in layouts] == [("CSV", 3)]
    assert [row.row for row in parsed] == list(range(4, 4 + len(wb.SMALL_ROWS)))
    assert [row.price_ore for row in parsed] == [round(row[-1] * 100) for row in wb.SMALL_ROWS]
    assert summary.data_rows == len(wb.SMALL_ROWS)


def test_rows_are_numbered_by_the_file_lines(tmp_path):
    """A quoted cell with a line break spans two lines; blank lines count; the numbering stays the file's."""
    header = ";".join(wb.SMALL_LAYOUT)
    lines = [
        header,
        'MD1;;"Sol\r\nmed dragkedja";SOL1-AD;1;Knästrumpa;I;Kort;Sand;371,50',
        "",
        "MD2;;Sol;SOL1-AD;1;Knästrumpa;I;Kort;Svart;371,50",
        "MD3;;Sol;SOL1-AD;1;Knästrumpa;I;Kort;Svart;371,50",
    ]
    path = _write(tmp_path, "\r\n".join(lines).encode("cp1252"))
    name, height, rows = _sheet(path)
    assert (name, height) == ("CSV", 6)
    assert [bool(row) for row in rows] == [True, True, False, False, True, True]  # line 3 continues line 2
    _layouts, parsed, _summary = read(path)
    assert [(row.article_number, row.row) for row in parsed] == [("MD1", 2), ("MD2", 5), ("MD3", 6)]
    assert parsed[0].name == "Sol\r\nmed dragkedja"


def test_formula_looking_text_stays_text(tmp_path):
    rows = [['=HYPERLINK("http://x")', "", "+Sol", "SOL1-AD", 1, "Knästrumpa", "I", "Kort", "@Sand", "371,50"]]
    path = formats.small_csv(tmp_path, rows=rows, encoding="utf-8")
    _layouts, parsed, _summary = read(path)
    assert (parsed[0].article_number, parsed[0].name, parsed[0].colour) == ('=HYPERLINK("http://x")', "+Sol", "@Sand")


def test_too_many_lines_are_refused(tmp_path):
    path = formats.small_csv(tmp_path)
    with pytest.raises(ImportFileError) as caught:
        list(iter_file_sheets(path, max_rows=3))
    assert caught.value.details["rows"] == len(wb.SMALL_ROWS) + 1


@pytest.mark.parametrize(
    ("build", "name"),
    [
        (lambda d: formats.small_csv(d), "csv"),
        (lambda d: formats.ods(d), "ods"),
        (lambda d: wb.small_price_list(d), "xlsx"),
        (lambda d: wb.xls_renamed(d), "xls"),
    ],
)
def test_the_format_is_found_from_the_content_not_the_name(tmp_path, build, name):
    path = build(tmp_path)
    renamed = path.rename(tmp_path / "job-1.xlsx")
    assert file_format(renamed).name == name


def test_an_xlsx_named_csv_is_read_as_a_workbook(tmp_path):
    path = wb.small_price_list(tmp_path).rename(tmp_path / "prislista.csv")
    _layouts, parsed, _summary = read(path)
    assert len(parsed) == len(wb.SMALL_ROWS)


def _xlsb_zip(tmp_path, *extra: str):
    import zipfile

    path = tmp_path / "lista.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        for part in ("xl/workbook.bin", *extra):
            archive.writestr(part, b"\x83\x01\x00")
    return path


def test_a_binary_excel_workbook_is_told_apart_and_its_macros_refused(tmp_path):
    assert file_format(_xlsb_zip(tmp_path)).name == "xlsb"
    with pytest.raises(ImportFileError) as caught:
        check_file(_xlsb_zip(tmp_path, "xl/vbaProject.bin"))
    assert caught.value.code == "unsupported" and "makron" in caught.value.message


def test_an_ods_with_sheets_repeated_to_excels_limits_is_refused_not_fatal(tmp_path):
    """number-rows-repeated × number-columns-repeated: the whole sheet in one cell; the reader child says so."""
    from importers.isolation import ChildLimits, stream_from_child
    from importers.pricelist import read_price_list
    from tests.importers.test_pricelist_reader import ALL_PROFILES, PROFILES

    content = formats.ODS_CONTENT.replace(
        b"<table:table-row>", b'<table:table-row table:number-rows-repeated="1048576">'
    ).replace(b"<table:table-cell ", b'<table:table-cell table:number-columns-repeated="16384" ')
    path = formats.ods(tmp_path, content=content)
    with pytest.raises(ImportFileError) as caught:
        list(stream_from_child(read_price_list, path, PROFILES["medi"], ALL_PROFILES, limits=ChildLimits(seconds=60)))
    assert caught.value.code == "unreadable"
