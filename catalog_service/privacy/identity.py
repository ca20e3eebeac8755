"""Swedish personal identity numbers (personnummer) and coordination numbers (samordningsnummer).

A number is recognised only when all of these hold:

- it has 10 digits ``YYMMDDNNNC`` or 12 digits ``YYYYMMDDNNNC``, with ``-``, ``+``, one space
  or nothing between date and serial (``YYMMDD-NNNC``, ``YYMMDD+NNNC``, ``YYMMDD NNNC``,
  ``YYYYMMDD+NNNC`` …; a dash may be any dash-like character: Word and Excel turn ``-``
  into ``–`` by themselves; people write ``19090527+1474`` though the ``+`` adds nothing to
  a 12-digit form); no digit directly before or after it, and a form without separator
  must not be glued to letters either (``MD8302039600`` is a code, while
  ``Pnr830203-9600`` is still an identity number);
- the check digit ``C`` is right (Luhn over the 10-digit form ``YYMMDDNNNC``);
- the date is a real calendar date, where a day of 61–91 marks a coordination number
  (day + 60);
- the date is not in the future; a 12-digit form has century 18, 19 or 20.

The 10-digit forms carry no century. As the Swedish Tax Agency writes them, ``-`` (or no
separator) means the most recent such date that is not in the future, and ``+`` means one
hundred years before that (the holder is 100 or older).
"""

from __future__ import annotations

import re
from datetime import date

KIND_PERSONAL = "personnummer"
KIND_COORDINATION = "samordningsnummer"

# Hyphen-minus, hyphen, non-breaking hyphen, figure dash, en dash, minus sign: for use inside [...].
DASHES = r"\-" + "\u2010\u2011\u2012\u2013\u2212"
# Between date and serial: a dash, "+" (100 or older, in the 10-digit form) or one space ("090527 1474").
_SEPARATOR = f"[{DASHES}+ ]"
_CENTURIES = (18, 19, 20)
_COORDINATION_OFFSET = 60

PATTERN = re.compile(
    rf"(?<!\d)(?:(?P<century>\d\d)(?P<long>\d{{6}})(?P<dash>{_SEPARATOR})?|(?P<short>\d{{6}})(?P<sep>{_SEPARATOR})?)"
    rf"(?P<serial>\d{{4}})(?!\d)"
)


def luhn_ok(digits: str) -> bool:
    """True when the last digit is the Luhn check digit of the others (weights 2, 1, 2, … from the left)."""
    total = 0
    for position, char in enumerate(digits[:-1]):
        value = int(char) * (2 - position % 2)
        total += value - 9 if value > 9 else value
    return (10 - total % 10) % 10 == int(digits[-1])


def identity_kind(match: re.Match, today: date) -> str | None:
    """The kind of a PATTERN match (personnummer or samordningsnummer), or None if it is not a valid number."""
    if _glued_digits_only(match):
        return None
    six = match["long"] or match["short"]
    if not luhn_ok(six + match["serial"]):
        return None
    month, day = int(six[2:4]), int(six[4:6])
    kind = KIND_PERSONAL
    if day > _COORDINATION_OFFSET:
        day -= _COORDINATION_OFFSET
        kind = KIND_COORDINATION
    year = _year(match, int(six[:2]), month, day, today)
    if year is None:
        return None
    born = _date_or_none(year, month, day)
    return kind if born is not None and born <= today else None


def full_identity_kind(value: str, today: date) -> str | None:
    """The kind when ``value`` as a whole is a valid identity number, else None."""
    match = PATTERN.fullmatch(value)
    return identity_kind(match, today) if match else None


def _glued_digits_only(match: re.Match) -> bool:
    """A bare digit string glued to letters (``MD8302039600``) is a code, not an identity number."""
    if match["dash"] or match["sep"]:
        return False  # "Pnr:830203-9600" and even "Pnr830203-9600" are identity numbers
    text, start, end = match.string, match.start(), match.end()
    return (start > 0 and _is_word(text[start - 1])) or (end < len(text) and _is_word(text[end]))


def _is_word(char: str) -> bool:
    return char.isalnum()  # not "_": "scan_8302039600.pdf" holds an identity number


def _year(match: re.Match, yy: int, month: int, day: int, today: date) -> int | None:
    if match["century"] is not None:
        century = int(match["century"])
        return century * 100 + yy if century in _CENTURIES else None
    # The most recent year ending in yy whose (month, day) is not after today.
    year = today.year - (today.year - yy) % 100
    if year == today.year and (month, day) > (today.month, today.day):
        year -= 100
    return year - 100 if match["sep"] == "+" else year


def _date_or_none(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None
