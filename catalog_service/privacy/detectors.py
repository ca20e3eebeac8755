"""The detectors behind the guard, one per kind: each yields (kind, start, end) in normalised text.

They assume NFKC-normalised text (guard.find_personal_data does that) and are only
called when the cheap pre-check in the guard says the kind is possible at all.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from .identity import DASHES, identity_kind
from .identity import PATTERN as IDENTITY_PATTERN

Span = tuple[str, int, int]

# --- identity numbers -----------------------------------------------------------------------------


def identity_numbers(text: str, today: date) -> Iterator[Span]:
    for match in IDENTITY_PATTERN.finditer(text):
        kind = identity_kind(match, today)
        if kind:
            yield kind, match.start(), match.end()


# --- e-mail addresses -----------------------------------------------------------------------------

_LOCAL_CHARS = r"[\w!#$%&'*+/=?^`{|}~-]"
# The lookbehind lets a match start only where a local part can start: without it, every
# position of a long run of letters before an "@" is a start, and the scan is quadratic.
EMAIL = re.compile(
    rf"(?<![\w!#$%&'*+/=?^`{{|}}~.-]){_LOCAL_CHARS}+(?:\.{_LOCAL_CHARS}+)*@(?:[^\W_](?:[\w-]{{0,61}}[^\W_])?\.)+[^\W\d_]{{2,}}(?!\w)"
)


def emails(text: str, _today: date) -> Iterator[Span]:
    for match in EMAIL.finditer(text):
        yield "email", match.start(), match.end()


# --- phone numbers --------------------------------------------------------------------------------

# A candidate starts with +46, 0046 or 0 (or "(0") and runs over digits with at most two
# separators between them. It may not be glued to a word, and may not continue a number
# written with a dash or a decimal point (the "05-01" of "2026-05-01", the "0" of "1.095").
PHONE = re.compile(rf"(?<![\w+])(?<!\d[{DASHES}.,])(?:\+46|0046|\(?0)(?:[ ()/{DASHES}]{{0,2}}\d){{6,12}}(?!\d)")
_DIGIT_RUN = re.compile(r"\d+")
_MIN_PHONE_DIGITS = 8  # 0 + area code + subscriber number; +46 + 7 digits has 9
_MOBILE_THIRD_DIGITS = "02369"  # 070, 072, 073, 076, 079: personal mobile numbers


def phones(text: str, _today: date) -> Iterator[Span]:
    position = 0
    while match := PHONE.search(text, position):
        end = _phone_end(match[0])
        if end is None:
            position = match.start() + 1  # a number may still start inside ("0 070-123 45 67")
            continue
        yield "phone", match.start(), match.start() + end
        position = match.start() + end


def _phone_end(candidate: str) -> int | None:
    """The end of the longest valid phone number at the start of the candidate (trailing groups dropped)."""
    for run in reversed(list(_DIGIT_RUN.finditer(candidate))):
        if _valid_phone(candidate[: run.end()]):
            return run.end()
    return None


def _valid_phone(written: str) -> bool:
    digits = "".join(str(int(char)) for char in "".join(_DIGIT_RUN.findall(written)))
    if len(digits) < _MIN_PHONE_DIGITS:
        return False
    if written.startswith("+46") or digits.startswith("0046"):
        if not written.startswith("+") and written.isdigit():
            return False  # 13 bare digits starting 0046 are an EAN far more often
        rest = digits[2:] if written.startswith("+") else digits[4:]
        rest = rest.removeprefix("0")  # "+46 (0)8-…" and the common "+46 070-…"
        return 7 <= len(rest) <= 9 and rest[0] != "0"
    if digits[1] == "0":
        return False
    if digits[1] == "7":
        return len(digits) == 10 and digits[2] in _MOBILE_THIRD_DIGITS
    # An area-code number must be written with a separator: bare digit strings starting with 0
    # are article numbers far more often than phone numbers.
    return 8 <= len(digits) <= 10 and not written.isdigit()


# --- street addresses -----------------------------------------------------------------------------

STREET_SUFFIXES = (
    "gatan", "gata", "vägen", "gränden", "gränd", "torget", "stigen", "backen", "allén", "plan", "leden",
    "stråket", "gången", "slingan", "väg",
)  # fmt: skip
# Suffixes that only count as a word of their own ("Drottning Kristinas väg 12", not "Riksväg 40").
_ONLY_STANDALONE = frozenset({"väg"})
# Suffixes that are also street names on their own after a capitalised word ("Gamla vägen 3").
_STANDALONE = frozenset(STREET_SUFFIXES) - {"plan", "leden", "gata"}
# Words with a street suffix that are not streets. Joints matter here: this service is about
# compression garments, and "svullnad vid fotleden 2 dagar" is a normal comment.
_NOT_STREETS = frozenset(
    {
        "fotleden", "knäleden", "handleden", "höftleden", "armbågsleden", "axelleden", "vristleden",
        "fingerleden", "tåleden", "käkleden", "leden", "vårdplan", "behandlingsplan", "handlingsplan",
        "åtgärdsplan", "leveransplan", "tidsplan", "rehabiliteringsplan", "rehabplan", "arbetsplan",
        "våningsplan", "bottenplan", "genomförandeplan", "planen",
    }
)  # fmt: skip
_UNITS = r"cm|mm|m|km|st|kg|g|%|ggr|gånger|dagar|dag|veckor|vecka|månader|år|tim|timmar|min|kr|sek|mmhg|par"
STREET = re.compile(
    rf"(?<!\w)(?P<word>[^\W\d_]*?(?:{'|'.join(STREET_SUFFIXES)})) +(?P<number>\d{{1,3}})"
    rf"(?![.,]\d)(?! ?(?:{_UNITS})(?!\w))(?:[ ]?[A-Za-z](?!\w))?(?!\w)",
    re.IGNORECASE,
)
_PREVIOUS_WORD = re.compile(r"([^\W\d_]{2,}) +$")


def street_addresses(text: str, _today: date) -> Iterator[Span]:
    for match in STREET.finditer(text):
        start = _street_start(text, match)
        if start is not None:
            yield "street_address", start, match.end()


def _street_start(text: str, match: re.Match) -> int | None:
    """Where the street name starts, or None when the word is not a street name."""
    word = match["word"]
    folded = word.casefold()
    if folded in _NOT_STREETS:
        return None
    suffix = next(s for s in STREET_SUFFIXES if folded.endswith(s))
    if len(word) - len(suffix) >= 2 and suffix not in _ONLY_STANDALONE:
        return match.start() if suffix != "plan" or word[0].isupper() else None
    if suffix not in _STANDALONE:
        return None
    previous = _PREVIOUS_WORD.search(text, max(0, match.start() - 64), match.start())  # bounded: no quadratic scan
    return previous.start() if previous and previous[1][0].isupper() else None


# --- postal code and town -------------------------------------------------------------------------

_TOWN_WORD = r"[A-ZÅÄÖÉÜ][^\W\d_]+"
POSTAL = re.compile(
    rf"(?<![\w{DASHES}])(?:SE-?)?[1-9]\d\d \d\d(?!\d) +(?P<town>{_TOWN_WORD}(?:[ {DASHES}]{_TOWN_WORD})?)"
)
# Words that follow "NNN NN" in order comments without being a town: units and the colours of the garments.
_NOT_TOWNS = frozenset(
    {
        "kr", "kronor", "sek", "eur", "st", "stycken", "par", "ggr", "gånger", "cm", "mm", "strl", "storlek",
        "svart", "beige", "sand", "vit", "grå", "blå", "brun", "röd", "grön", "karamell", "natur", "hudfärg",
    }
)  # fmt: skip
_TOWN_SPLIT = re.compile(rf"[ {DASHES}]")


def postal_addresses(text: str, _today: date) -> Iterator[Span]:
    for match in POSTAL.finditer(text):
        if _TOWN_SPLIT.split(match["town"], maxsplit=1)[0].casefold() not in _NOT_TOWNS:
            yield "postal_address", match.start(), match.end()
