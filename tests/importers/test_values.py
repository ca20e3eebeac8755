"""Value cleaning: what a cell holds (text, float, date, '') becomes a typed value or a ValueProblem."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from importers import values
from importers.values import ValueProblem

# --- price -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1 234,50", "1234.50"),  # Juzo: decimal comma, space as thousands separator
        ("1\u00a0234,50", "1234.50"),  # no-break space
        ("1\u202f234,50", "1234.50"),  # narrow no-break space
        ("1.234,50", "1234.50"),  # dot as thousands separator
        ("1.234.567,89", "1234567.89"),
        ("1 234 567,89", "1234567.89"),
        ("1,234.50", "1234.50"),  # English: comma thousands, point decimals
        ("1.234", "1234.00"),  # dots in three-digit groups: thousands
        ("469,5", "469.50"),
        ("469.5", "469.50"),
        ("449,50 kr", "449.50"),
        ("449,50 kr.", "449.50"),
        ("449,50 SEK", "449.50"),
        ("449,50 sek", "449.50"),
        ("SEK 449,50", "449.50"),
        ("449:-", "449.00"),
        ("  450  ", "450.00"),  # a number stored as text
        ("450", "450.00"),
        ("450.0", "450.00"),
        ("0", "0.00"),
        ("0.500", "0.50"),  # a leading zero is no thousands group
        ("0,75", "0.75"),
        ("12,345", "12.35"),  # one comma is the decimal mark; rounded half up to öre
    ],
)
def test_price_reads_text_with_separators_and_currency(raw, expected):
    assert values.price(raw) == Decimal(expected)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(469.5, "469.50"), (450.0, "450.00"), (450, "450.00"), (0.1 + 0.2, "0.30"), (1234.005, "1234.01")],
)
def test_price_reads_numbers_and_rounds_to_ore(raw, expected):
    result = values.price(raw)
    assert result == Decimal(expected)
    assert result.as_tuple().exponent == -2


@pytest.mark.parametrize(
    "raw", ["POA", "pris på förfrågan", "-", "–", "n/a", "kr", "SEK", "1.23.4", "12,3,4", "1e3", "nan", "abc 12"]
)
def test_price_refuses_text_that_is_not_a_number(raw):
    with pytest.raises(ValueProblem, match="not a number"):
        values.price(raw)


@pytest.mark.parametrize("raw", [float("nan"), float("inf"), True])
def test_price_refuses_non_finite_numbers_and_booleans(raw):
    with pytest.raises(ValueProblem, match="not a number"):
        values.price(raw)


@pytest.mark.parametrize("raw", ["", "   ", None])
def test_price_empty_is_its_own_problem(raw):
    with pytest.raises(ValueProblem, match="empty"):
        values.price(raw)


@pytest.mark.parametrize("raw", [-1.0, -450, "-12,50", "-1 234,50 kr"])
def test_price_refuses_negative_prices(raw):
    with pytest.raises(ValueProblem, match="negative"):
        values.price(raw)


# --- article_number ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("000777", "000777"),  # leading zeros are part of the identifier
        ("  000777 ", "000777"),
        ("\u00a0MD1000001\t", "MD1000001"),
        (1234.0, "1234"),  # a number cell
        (4048713000017.0, "4048713000017"),  # an EAN-sized number, no exponent
        (1234, "1234"),
        ("1234.0", "1234"),  # a number that went through text
        ("0777.0", "0777.0"),  # leading zero: a text identifier, left as written
        ("12.5", "12.5"),
        ("AB-12.0", "AB-12.0"),
    ],
)
def test_article_number_is_trimmed_text(raw, expected):
    assert values.article_number(raw) == expected


@pytest.mark.parametrize("raw", ["", "   ", None])
def test_article_number_empty_is_none(raw):
    assert values.article_number(raw) is None


# --- compression_class -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("CCL2", 2),
        ("ccl 1", 1),
        ("KKL 2", 2),
        ("KKL2", 2),
        ("K2", 2),
        ("k 3", 3),
        ("Kl. 2", 2),
        ("Klass 4", 4),
        ("Class 3", 3),
        ("Kompressionsklasse 2", 2),
        ("2", 2),
        (" 2 ", 2),
        ("2.0", 2),
        (2.0, 2),
        (2, 2),
        ("Klass II", 2),
        ("KKL III", 3),
        ("iv", 4),
        ("I", 1),
    ],
)
def test_compression_class_reads_every_spelling(raw, expected):
    assert values.compression_class(raw) == expected


@pytest.mark.parametrize("raw", [5, 5.0, "5", "CCL5", "KKL 0", 0, 2.5, "2.5", "V", "X", "", None, "KKL 2a", True])
def test_compression_class_outside_one_to_four_is_refused(raw):
    with pytest.raises(ValueProblem, match="unknown compression class"):
        values.compression_class(raw)


# --- date_value --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        date(2026, 5, 1),
        datetime(2026, 5, 1),  # an Excel date cell
        datetime(2026, 5, 1, 13, 45),
        46143.0,  # Excel serial number for 2026-05-01
        46143,
        46143.5,  # noon of that day
        "2026-05-01",
        " 2026-05-01 ",
        "2026-05-01 00:00:00",
        "2026-05-01T00:00:00",
        "2026-05-01 00:00",
        "01.05.2026",
        "20260501",
    ],
)
def test_date_value_reads_excel_dates_serials_and_iso_text(raw):
    assert values.date_value(raw) == date(2026, 5, 1)


@pytest.mark.parametrize("raw", ["", "  ", None])
def test_date_value_empty_is_none(raw):
    assert values.date_value(raw) is None


@pytest.mark.parametrize("raw", ["garbage", "snart", "2026-13-01", "2026-02-30", "1/5/2026", "maj 2026"])
def test_date_value_refuses_unreadable_text(raw):
    with pytest.raises(ValueProblem, match="cannot be read"):
        values.date_value(raw)


@pytest.mark.parametrize("raw", [0, -1.0, 3_000_000.0])
def test_date_value_refuses_serials_outside_excels_range(raw):
    with pytest.raises(ValueProblem, match="Excel date"):
        values.date_value(raw)


# --- colour_key --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("01", "1"),
        ("001", "1"),
        ("01", 1.0),  # a code stored as a number
        ("Beige", "beige"),
        ("  SAND ", "Sand"),
        ("Silky  Beige", "silky beige"),
        ("Hud\u00a0färg", "hud färg"),
    ],
)
def test_colour_key_equal_for_same_colour(left, right):
    assert values.colour_key(left) == values.colour_key(right)


@pytest.mark.parametrize(
    ("left", "right"),
    [("10", "1"), ("01A", "1A"), ("Silky Beige", "Beige"), ("Beige", "Beige 2"), ("Hudfarg", "Hudfärg")],
)
def test_colour_key_differs_for_different_values(left, right):
    assert values.colour_key(left) != values.colour_key(right)


def test_colour_key_of_empty_is_empty_text():
    assert values.colour_key(None) == values.colour_key("  ") == ""


# --- yes_no ------------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["Ja", "ja", " JA ", "Yes", "x", "X", "1", 1.0, True])
def test_yes_no_true(raw):
    assert values.yes_no(raw) is True


@pytest.mark.parametrize("raw", ["Nej", "nej ", "No", "Nein", "0", 0.0, "", None, False])
def test_yes_no_false_and_empty_is_no(raw):
    assert values.yes_no(raw) is False


@pytest.mark.parametrize("raw", ["kanske", "Jaa", "2"])
def test_yes_no_refuses_other_text(raw):
    with pytest.raises(ValueProblem, match="Ja or Nej"):
        values.yes_no(raw)


# --- invisible characters ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "\u200bSvart",
        "Svart\u200b",
        "Sv\u200bart",
        "\ufeffSvart",
        "Sv\u2060art",
        "S\u200cv\u200dart",
        " \u200b Svart \u200b ",
    ],
    ids=["zwsp-before", "zwsp-after", "zwsp-inside", "bom-start", "word-joiner", "zwnj-zwj", "mixed-with-spaces"],
)
def test_format_characters_are_removed_from_text(raw):
    assert values.text(raw) == "Svart"
    assert values.colour_key(raw) == values.colour_key("Svart")


def test_decomposed_accents_are_stored_composed():
    decomposed = "Hudfa\u0308rg"  # 'a' + combining diaeresis, as some Mac exports write it

    assert decomposed != "Hudfärg"
    assert values.text(decomposed) == "Hudfärg"
    assert values.colour_key(decomposed) == values.colour_key("Hudfärg")
    assert values.normalise_key(" Hudfa\u0308rg\u200b") == values.normalise_key("hudfärg")


def test_only_format_characters_is_empty():
    assert values.text("\u200b\ufeff") is None
    assert values.is_empty("\u200b \u2060")


def test_bidirectional_overrides_and_controls_are_kept_for_the_reader_to_refuse():
    # Cleaning removes what is invisible and harmless; these make text read other than it shows,
    # so the price-list reader refuses them with sheet, row and column (test_hostile_input).
    assert values.text("Svart\u202e") == "Svart\u202e"
    assert values.text("Sv\u2066art") == "Sv\u2066art"
    assert values.text("Sv\x07art") == "Sv\x07art"


def test_article_numbers_and_classes_are_cleaned():
    assert values.article_number("\u200bMD1000001\u200b") == "MD1000001"
    assert values.article_number("1234.0\u2060") == "1234"
    assert values.compression_class("KKL\u200b 2") == 2


def test_every_format_character_of_this_python_is_in_the_planes_scanned():
    import unicodedata

    from importers.values import FORMAT_CHARACTER_PLANES

    everywhere = {code for code in range(0x110000) if unicodedata.category(chr(code)) == "Cf"}
    scanned = {code for plane in FORMAT_CHARACTER_PLANES for code in plane if code in everywhere}
    assert scanned == everywhere
