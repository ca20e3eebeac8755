import csv
import io

import pytest

from exports.feed import ITEM_KEYS
from exports.formats.csv_format import CsvFormat, csv_field


def _read(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def _expected(item: dict) -> list[str]:
    """The item as text, written out independently of the writer."""
    row = []
    for key in ITEM_KEYS:
        value = item[key]
        if value is None:
            row.append("")
        elif isinstance(value, bool):
            row.append(str(value).lower())
        elif isinstance(value, int) or key == "contract_price_sek":
            row.append(str(value))
        elif value[:1] in ("=", "+", "-", "@", "\t", "\r"):
            row.append("'" + value)
        else:
            row.append(value)
    return row


def test_csv_round_trips_items_with_formulas_neutralised(document):
    rows = _read(CsvFormat().write(document))
    assert rows[0] == list(ITEM_KEYS)
    assert rows[1:] == [_expected(item) for item in document["items"]]
    names = [row[ITEM_KEYS.index("name")] for row in rows[1:]]
    assert names == [
        '\'=HYPERLINK("http://evil.example";"klicka")',
        "'+46 strumpa",
        "'-Lårstrumpa",
        "'@SUM(A1:A9)",
        "'\tTabbstrumpa",
    ]


def test_csv_keeps_leading_zeros_swedish_letters_and_price_text(document):
    first, third = _read(CsvFormat().write(document))[1::2][:2]
    assert first[ITEM_KEYS.index("article_number")] == "0035024461"
    assert first[ITEM_KEYS.index("colour")] == "Hudfärg"
    assert first[ITEM_KEYS.index("gtin")] == ""
    assert third[ITEM_KEYS.index("contract_price_sek")] == "1234.50"
    assert third[ITEM_KEYS.index("made_to_measure")] == "true"


def test_csv_is_utf8_with_bom_and_crlf_lines(document):
    data = CsvFormat().write(document)
    assert data.startswith(b"\xef\xbb\xbfarticle_number,gtin,")
    assert data.count(b"\r\n") == len(document["items"]) + 1
    assert b"\n" not in data.replace(b"\r\n", b"")


def test_csv_is_deterministic(document):
    assert CsvFormat().write(document) == CsvFormat().write(document)


@pytest.mark.parametrize(
    ("key", "value", "field"),
    [
        ("name", "\rStrumpa", "'\rStrumpa"),
        ("name", "Strumpa =1", "Strumpa =1"),
        ("contract_price_sek", "-5.00", "-5.00"),
        ("contract_price_sek", "=1+1", "'=1+1"),
        ("lead_time_working_days", -3, "-3"),
        ("made_to_measure", False, "false"),
        ("gtin", None, ""),
    ],
)
def test_csv_field_neutralises_text_only(key, value, field):
    assert csv_field(key, value) == field


def test_csv_quotes_fields_with_separators_and_line_breaks(document):
    document["items"][0]["name"] = 'Strumpa, "lång"\r\nrad två'
    rows = _read(CsvFormat().write(document))
    assert rows[1][ITEM_KEYS.index("name")] == 'Strumpa, "lång"\r\nrad två'
