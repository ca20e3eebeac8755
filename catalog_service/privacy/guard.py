"""The privacy guard: does a text hold personal data? Every entrance of free text uses it.

Patient data must never enter the ordering flow. This module finds, in free text:

- ``personnummer`` and ``samordningsnummer``: Swedish personal identity and coordination
  numbers in every written form, with check digit, real date and no future date
  (see ``identity``);
- ``email``: e-mail addresses;
- ``phone``: Swedish phone numbers: mobiles ``07x``, ``+46 …``, ``0046 …``, and area-code
  numbers written with a separator (``031-…``, ``08 …``);
- ``street_address``: a street name with a common suffix (-gatan, -vägen, -gränd, -torget,
  -stigen, -backen, -allén, -plan, -leden, -stråket, …) followed by a house number;
- ``postal_address``: a postal code ``NNN NN`` followed by a town name.

A name together with an address is caught by the address kinds. A personal name on its
own cannot be detected reliably (names are ordinary words, and a list of names would both
miss and over-match), so it is not attempted.

Text is NFKC-normalised before it is scanned (full-width digits, non-breaking spaces and
the like become their plain forms), and a finding's ``start``/``end`` refer to the
normalised text (``normalise(text)``). A finding says kind and position only: it never
holds the value, so it can be logged and shown safely.

Speed: most cells hold none of this, so a cheap pre-check runs first (no ``@``, fewer
than five digits and no street suffix: nothing to scan), and each detector runs only on
text with enough digits for its kind. The detectors are written so that no input makes
them quadratic (a 32,767-character cell is scanned in well under a second).

Structured fields (customer order number, article number, GTIN, batch number) are not
scanned but checked against their own formats with ``check_structured`` (see
``structured`` for why).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from importers.errors import DomainError

from . import detectors
from .structured import STRUCTURED_FIELDS, check_structured

__all__ = [
    "KINDS",
    "STRUCTURED_FIELDS",
    "Finding",
    "PersonalDataFound",
    "check_structured",
    "describe",
    "find_personal_data",
    "guard_cells",
    "guard_text",
    "normalise",
]

# In order of precedence: where findings overlap, the earlier kind is kept (a check-digit
# verified identity number beats a phone number made of the same digits).
KINDS = ("personnummer", "samordningsnummer", "email", "phone", "street_address", "postal_address")

LABELS = {
    "personnummer": "personnummer",
    "samordningsnummer": "samordningsnummer",
    "email": "e-postadress",
    "phone": "telefonnummer",
    "street_address": "gatuadress",
    "postal_address": "postnummer och ort",
    "invalid_kundordernummer": "ogiltigt kundordernummer",
    "invalid_article_number": "ogiltigt artikelnummer",
    "invalid_gtin": "ogiltigt GTIN",
    "invalid_gtin_check_digit": "GTIN med fel kontrollsiffra",
    "invalid_batch_number": "ogiltigt batchnummer",
}

# Fewest digits a kind needs: postal code 5 (the pre-check), phone 8, identity number 10.
_MIN_DIGITS_PHONE, _MIN_DIGITS_IDENTITY = 8, 10
_DIGIT = re.compile(r"\d")
_FIVE_DIGITS = re.compile(r"\d(?:\D*\d){4}")  # faster than counting when most strings have fewer
_STREET_SUFFIX = re.compile("|".join(detectors.STREET_SUFFIXES))


@dataclass(frozen=True, slots=True)
class Finding:
    """Personal data of ``kind`` at ``text[start:end]`` of the normalised text. Never holds the value."""

    kind: str
    start: int
    end: int


class PersonalDataFound(DomainError):
    """Raised by ``guard_text``: the field holds personal data. Code ``personal_data``, details
    ``{"field", "kinds"}``; never the value."""

    def __init__(self, field: str, kinds: Iterable[str]):
        kinds = tuple(kinds)
        message = f'Fältet "{field}" innehåller personuppgifter ({describe(kinds)}). Ta bort dem och försök igen.'
        super().__init__("personal_data", message, {"field": field, "kinds": list(kinds)})

    @property
    def field(self) -> str:
        return self.details["field"]

    @property
    def kinds(self) -> tuple[str, ...]:
        return tuple(self.details["kinds"])


def normalise(text: str) -> str:
    """The text as the guard scans it (NFKC); finding positions refer to this."""
    return text if text.isascii() else unicodedata.normalize("NFKC", text)


def find_personal_data(text: str, *, today: date | None = None) -> list[Finding]:
    """Find personal data in free text: one Finding per occurrence, ordered by position.

    ``text`` is NFKC-normalised first and positions refer to the normalised text.
    ``today`` (default: the current date) decides which identity numbers lie in the
    future; tests pass a fixed date. Changes nothing, raises nothing for any string.
    """
    text = normalise(text)
    chosen = _detectors(text)
    if not chosen:
        return []
    today = today or date.today()
    spans = [span for detect in chosen for span in detect(text, today)]
    return _without_overlaps(spans) if spans else []


def describe(findings: Iterable[Finding | str]) -> str:
    """A Swedish summary of the kinds found, without values: e.g. "personnummer, e-postadress".

    Accepts findings or kind names; each kind is named once, in a fixed order.
    """
    kinds = {item if isinstance(item, str) else item.kind for item in findings}
    order = {kind: index for index, kind in enumerate(LABELS)}
    return ", ".join(LABELS.get(kind, kind) for kind in sorted(kinds, key=lambda k: (order.get(k, len(order)), k)))


def guard_text(field: str, text: str | None, *, today: date | None = None) -> None:
    """Raise PersonalDataFound(field, kinds) when ``text`` holds personal data; None and "" pass."""
    if not text:
        return
    findings = find_personal_data(text, today=today)
    if findings:
        raise PersonalDataFound(field, _kinds(findings))


def guard_cells(cells: Iterable[tuple[Any, Any, Any, Any]], *, today: date | None = None) -> list[dict]:
    """Scan spreadsheet cells ``(sheet, row, column, value)``; return the findings, never the values.

    One ``{"sheet", "row", "column", "kind"}`` per kind per cell, in input order. Only
    string values are scanned (numbers and dates cannot hold a name or an address, and
    the caller leaves structured columns out and checks them with check_structured).
    """
    today = today or date.today()
    found = []
    for sheet, row, column, value in cells:
        findings = find_personal_data(value, today=today) if isinstance(value, str) else None
        if findings:
            found.extend({"sheet": sheet, "row": row, "column": column, "kind": kind} for kind in _kinds(findings))
    return found


def _detectors(text: str) -> list[Callable[[str, date], Iterator[detectors.Span]]]:
    """The detectors worth running on ``text``: a cheap pre-check, as most cells hold none of it."""
    chosen = [detectors.emails] if "@" in text else []
    if not _DIGIT.search(text):
        return chosen
    if _FIVE_DIGITS.search(text):
        digits = len(_DIGIT.findall(text))
        if digits >= _MIN_DIGITS_IDENTITY:
            chosen.append(detectors.identity_numbers)
        if digits >= _MIN_DIGITS_PHONE:
            chosen.append(detectors.phones)
        chosen.append(detectors.postal_addresses)
    if _STREET_SUFFIX.search(text.lower()):
        chosen.append(detectors.street_addresses)
    return chosen


def _without_overlaps(spans: list[detectors.Span]) -> list[Finding]:
    kept: list[detectors.Span] = []
    for span in sorted(spans, key=lambda s: (KINDS.index(s[0]), s[1])):
        if all(span[2] <= other[1] or span[1] >= other[2] for other in kept):
            kept.append(span)
    return [Finding(kind, start, end) for kind, start, end in sorted(kept, key=lambda s: (s[1], s[2]))]


def _kinds(findings: Iterable[Finding]) -> list[str]:
    present = {finding.kind for finding in findings}
    return [kind for kind in KINDS if kind in present]
