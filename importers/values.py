"""Value cleaning for supplier price lists.

Readers hand us what the file holds: text, floats (every Excel number), dates,
or ``''`` for empty cells. These functions turn such raw values into the typed
values the domain needs, raising :class:`ValueProblem` with a short English
reason when a value cannot be read. Nothing here guesses types: article
numbers stay text, prices become :class:`~decimal.Decimal`.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

EXCEL_EPOCH = date(1899, 12, 30)
FIRST_EXCEL_DAY = date(1900, 1, 1)
_WHITESPACE = re.compile(r"\s+")
_CURRENCY = re.compile(r"(?i)\s*(?:kr\.?|sek|:-)\s*$|^\s*(?:sek|kr)\s*")
_CLASS = re.compile(r"(?i)^(?:ccl|kkl|kl|k|class|klasse|klass|kompressionsklass(?:e)?)?\s*\.?\s*([1-4])(?:[.,]0+)?$")
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
ONE_ORE = Decimal("0.01")
# The default ceiling of a price (CATALOG_MAX_PRICE_SEK): no compression garment costs a million
# kronor, so a larger number is a typo or a hostile cell. The hard limit keeps a configured ceiling
# inside the price columns (BIGINT öre) and Decimal's default 28-digit precision.
MAX_PRICE_SEK = Decimal(1_000_000)
HARD_MAX_PRICE_SEK = Decimal(10**15)
# Bidirectional overrides and isolates are format characters too, but they make text display other than
# it reads: the price-list reader refuses them (importers.pricelist.CONTROL_CHARACTERS), so they stay in.
_REFUSED_FORMAT_CHARACTERS = frozenset(range(0x202A, 0x202F)) | frozenset(range(0x2066, 0x206A))
# Every other format character (Unicode category Cf: zero-width space and joiners, word joiner, BOM,
# soft hyphen …) is invisible in Excel, so "Svart" with a zero-width space must still be "Svart".


def _character_class(codes) -> re.Pattern:
    """A regex class of code points written as ranges: a long list of single characters searches ten times slower."""
    ranges: list[list[int]] = []
    for code in sorted(codes):
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    return re.compile("[" + "".join(f"\\U{low:08x}-\\U{high:08x}" for low, high in ranges) + "]")


# A regex, not a str.translate table: a search that finds nothing costs a fraction of a translate.
# Format characters live in planes 0, 1 and 14 only (planes 2-13 hold ideographs or nothing, 15-16 are
# private use); scanning those three instead of all 1.1 million code points takes every process that
# reads text 0.1 s less to start (tests/importers/test_values.py checks the planes against a full scan).
FORMAT_CHARACTER_PLANES = (range(0x0, 0x20000), range(0xE0000, 0xF0000))
_FORMAT_CHARACTERS = _character_class(
    code
    for plane in FORMAT_CHARACTER_PLANES
    for code in plane
    if code not in _REFUSED_FORMAT_CHARACTERS and unicodedata.category(chr(code)) == "Cf"
)


class ValueProblem(ValueError):
    """A cell value that cannot be read; the message says why, in English."""


class PriceTooHigh(ValueProblem):
    """A price above the ceiling: readable, but no product costs that much."""


def is_empty(value) -> bool:
    """True for None, '' and text made only of whitespace."""
    return value is None or (isinstance(value, str) and not clean_text(value))


def clean_text(value: str) -> str:
    """The one cleaning of text from outside: format characters removed, NFC, trimmed.

    Every text cell, header and contract value passes here before it is compared
    or stored, so a value that differs only by invisible characters or by
    composed/decomposed accents (``Hudfa\u0308rg``) is the same value.
    """
    if value.isascii():  # the common case: nothing to remove, already NFC
        return value.strip()
    return unicodedata.normalize("NFC", _FORMAT_CHARACTERS.sub("", value)).strip()


def text(value) -> str | None:
    """Plain cleaned text of a cell (see clean_text), or None when empty. Whole floats lose '.0'."""
    if value is None:
        return None
    if isinstance(value, str):
        return clean_text(value) or None
    if isinstance(value, float):
        return _float_text(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if _is_midnight(value) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _float_text(value: float) -> str:
    if value.is_integer():
        return str(int(value))
    return repr(value)


def _is_midnight(value: datetime) -> bool:
    return not (value.hour or value.minute or value.second or value.microsecond)


def article_number(value) -> str | None:
    """An identifier as text: leading zeros kept, ``1234.0`` read as ``1234``."""
    result = text(value)
    if result is not None and isinstance(value, str) and result.endswith(".0"):
        head = result[:-2]
        if head.isdigit() and not head.startswith("0"):
            return head
    return result


def normalise_key(value) -> str:
    """The comparison form of a name: trimmed, inner whitespace collapsed, casefolded."""
    result = text(value)
    if result is None:
        return ""
    return _WHITESPACE.sub(" ", unicodedata.normalize("NFKC", result)).casefold()


def colour_key(value) -> str:
    """Comparison form of a colour name or code; all-digit codes compare as numbers."""
    key = normalise_key(value)
    return str(int(key)) if key.isdecimal() else key


def price(value, ceiling=None) -> Decimal:
    """A price in SEK, rounded to öre; PriceTooHigh above ``ceiling`` (default and at most HARD_MAX_PRICE_SEK).

    Accepts numbers, and text with a decimal comma or point, thousands separated
    by space, no-break space or dots, and a currency suffix such as ``kr`` or ``SEK``.
    """
    if isinstance(value, bool):
        raise ValueProblem("price is not a number")
    if isinstance(value, (int, float)):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueProblem("price is not a number")
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    elif is_empty(value):
        raise ValueProblem("price is empty")
    elif isinstance(value, str):
        number = _price_text(value)
    else:
        raise ValueProblem("price is not a number")
    if number < 0:
        raise ValueProblem("price is negative")
    # Compared before rounding: quantize raises InvalidOperation past 28 digits (1e26 and up).
    if number > (HARD_MAX_PRICE_SEK if ceiling is None else min(Decimal(ceiling), HARD_MAX_PRICE_SEK)):
        raise PriceTooHigh("price is too high")
    return number.quantize(ONE_ORE, rounding=ROUND_HALF_UP)


def max_price_ore(ceiling_sek) -> int:
    """The ceiling in öre, for code that compares whole öre; ValueError when it is not a sane ceiling."""
    ceiling = Decimal(str(ceiling_sek))
    if not ceiling.is_finite() or not 0 < ceiling <= HARD_MAX_PRICE_SEK:
        raise ValueError(f"the price ceiling must be above 0 and at most {HARD_MAX_PRICE_SEK} SEK, not {ceiling_sek}")
    return int(ceiling * 100)


def _price_text(raw: str) -> Decimal:
    cleaned = _CURRENCY.sub("", unicodedata.normalize("NFKC", raw).strip())
    cleaned = re.sub(r"[\s\u00a0\u202f']", "", cleaned)
    if not re.fullmatch(r"-?[\d.,]+", cleaned) or not any(c.isdigit() for c in cleaned):
        raise ValueProblem("price is not a number")
    cleaned = _decimal_point(cleaned)
    try:
        return Decimal(cleaned)
    except InvalidOperation:
        raise ValueProblem("price is not a number") from None


def _decimal_point(number: str) -> str:
    """Decide which of ',' and '.' is the decimal mark and drop the other.

    Both present: the last one is the mark. Only dots, every group after the
    first three digits long and the first 1-3 digits without a leading zero
    (``1.234``, ``1.234.567``; not ``0.500``): thousands. Only commas:
    one comma is the decimal mark, several in three-digit groups are thousands.
    """
    last_comma, last_dot = number.rfind(","), number.rfind(".")
    if last_comma >= 0 and last_dot >= 0:
        mark = "," if last_comma > last_dot else "."
        other = "." if mark == "," else ","
        head, _, tail = number.rpartition(mark)
        if mark in head:
            raise ValueProblem("price is not a number")
        return f"{head.replace(other, '')}.{tail}"
    separator = "," if last_comma >= 0 else "." if last_dot >= 0 else None
    if separator is None:
        return number
    groups = number.split(separator)
    head = groups[0].lstrip("-")
    thousands = all(len(g) == 3 for g in groups[1:]) and 1 <= len(head) <= 3 and not head.startswith("0")
    if separator == "." and thousands:
        return "".join(groups)
    if separator == "," and len(groups) > 2 and thousands:
        return "".join(groups)
    if len(groups) > 2:
        raise ValueProblem("price is not a number")
    return f"{groups[0]}.{groups[1]}"


def compression_class(value) -> int:
    """Compression class 1-4 from any of the suppliers' spellings (CCL2, KKL 2, K2, 2, II)."""
    if isinstance(value, float) and value.is_integer() and 1 <= value <= 4:
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 4:
        return value
    key = normalise_key(value)
    match = _CLASS.match(key)
    if match:
        return int(match.group(1))
    roman = re.sub(r"(?i)^(?:ccl|kkl|klasse|klass|class|kl|k)\s*", "", key)
    if roman in _ROMAN:
        return _ROMAN[roman]
    raise ValueProblem("unknown compression class")


def date_value(value) -> date | None:
    """A date from an Excel date, an Excel serial number or ISO text; None when empty."""
    if is_empty(value):
        return None
    if isinstance(value, str):
        value = _date_text(value.strip())
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        # Excel's calendar starts on 1900-01-01; the reader turns a damaged date cell (NaN) into 1899-12-30.
        if value < FIRST_EXCEL_DAY:
            raise ValueProblem("date is before Excel's first day")
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 1 <= value < 2958466:  # Excel's last day is 9999-12-31
            return EXCEL_EPOCH + timedelta(days=int(value))
        raise ValueProblem("date is not a valid Excel date")
    raise ValueProblem("date cannot be read")


# Day-first or month-first slashes (1/5/2026) are ambiguous and stay unreadable on purpose.
DATE_FORMATS = (
    "%Y-%m-%d",
    "%Y%m%d",
    "%Y/%m/%d",
    "%d.%m.%Y",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
)


def _date_text(raw: str) -> date:
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(raw, pattern).date()
        except ValueError:
            continue
    raise ValueProblem("date cannot be read (expected YYYY-MM-DD)")


def yes_no(value) -> bool:
    """Ja/Nej, Yes/No, Ja/Nein, 1/0, X/empty as a boolean."""
    key = normalise_key(value)
    if key in {"ja", "j", "yes", "y", "x", "1", "true", "sant"}:
        return True
    if key in {"nej", "n", "no", "nein", "0", "false", "falskt", ""}:
        return False
    raise ValueProblem("expected Ja or Nej")
