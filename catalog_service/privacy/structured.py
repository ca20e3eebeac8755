"""Format checks for structured fields: checked against their own format, never scanned.

Why structured fields are not scanned: their values are codes whose digits look like
personal data to a free-text scanner. A date-coded batch number ``20260501-0712`` has a
real date and a one-in-ten chance of a valid Luhn digit; a 12-digit GTIN can pass as a
12-digit identity number; a 10-digit article number starting ``070`` reads as a mobile
number. Scanning them would refuse real files for no reason. A strict format check
is the better guard for such a field: a value that fits ``^KO-\\d{7}$`` or carries a GS1
check digit cannot hold a name, an address or an e-mail address.

One extra rule: an article number that, as a whole, is a valid personal identity or
coordination number is refused (kind ``personnummer``/``samordningsnummer``). The
article-number format (letters and digits) would otherwise let one through a structured
column; no supplier format in use produces one (Juzo's ``0035…`` would be month 35).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable
from datetime import date

from .identity import full_identity_kind

DEFAULT_KUNDORDERNUMMER_PATTERN = r"^KO-\d{7}$"
GTIN_LENGTHS = (8, 12, 13, 14)

_ARTICLE_NUMBER = re.compile(r"(?:[^\W_]|[-./ ]){1,40}")
_BATCH_NUMBER = re.compile(r"(?:[^\W_]|[-/]){1,40}")
_ALNUM = re.compile(r"[^\W_]")
_ASCII_DIGITS = re.compile(r"[0-9]+")


def check_structured(
    field: str, value: str, *, pattern: str | re.Pattern | None = None, today: date | None = None
) -> str | None:
    """Check a structured field against its format; return an error kind, or None when the value is fine.

    ``field`` is one of ``kundordernummer``, ``article_number``, ``gtin``, ``batch_number``.
    The value is NFKC-normalised and stripped of surrounding whitespace first; an empty
    value is an error (whether a field may be left empty is the caller's decision).
    ``pattern`` replaces the kundordernummer format (it must match the whole value);
    ``today`` is for tests (the identity-number rule for article numbers).

    Error kinds: ``invalid_kundordernummer``, ``invalid_article_number``, ``invalid_gtin``,
    ``invalid_gtin_check_digit``, ``invalid_batch_number``, and ``personnummer`` or
    ``samordningsnummer`` for an article number that is one. Raises ValueError for an
    unknown field.
    """
    if field not in STRUCTURED_FIELDS:
        raise ValueError(f"unknown structured field: {field!r}")
    value = unicodedata.normalize("NFKC", value).strip()
    if field == "kundordernummer":
        return _kundordernummer(value, pattern)
    return _CHECKERS[field](value, today or date.today())


def gtin_check_digit_ok(digits: str) -> bool:
    """True when the last digit is the GS1 check digit (weights 3, 1, 3, … from the right, check digit excluded)."""
    total = 3 * sum(map(int, digits[-2::-2])) + sum(map(int, digits[-3::-2]))
    return (10 - total % 10) % 10 == int(digits[-1])


def _kundordernummer(value: str, pattern: str | re.Pattern | None) -> str | None:
    compiled = pattern if isinstance(pattern, re.Pattern) else _compile(pattern or DEFAULT_KUNDORDERNUMMER_PATTERN)
    # fullmatch: `$` alone would also accept a trailing newline.
    return None if compiled.fullmatch(value) else "invalid_kundordernummer"


@functools.lru_cache(maxsize=32)
def _compile(pattern: str) -> re.Pattern:
    return re.compile(pattern)


def _article_number(value: str, today: date) -> str | None:
    if not (_ARTICLE_NUMBER.fullmatch(value) and _ALNUM.search(value)):
        return "invalid_article_number"
    return full_identity_kind(value, today)


def _gtin(value: str, _today: date) -> str | None:
    if not (_ASCII_DIGITS.fullmatch(value) and len(value) in GTIN_LENGTHS):
        return "invalid_gtin"
    return None if gtin_check_digit_ok(value) else "invalid_gtin_check_digit"


def _batch_number(value: str, _today: date) -> str | None:
    return None if _BATCH_NUMBER.fullmatch(value) and _ALNUM.search(value) else "invalid_batch_number"


_CHECKERS: dict[str, Callable[[str, date], str | None]] = {
    "article_number": _article_number,
    "gtin": _gtin,
    "batch_number": _batch_number,
}
STRUCTURED_FIELDS = ("kundordernummer", *_CHECKERS)
