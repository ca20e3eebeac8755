"""The verdict rules: one verdict per data row, reasons in the order DESIGN.md gives.

Pure functions over plain data (no database, no Flask), so the rules can be
tested row by row and applied at full speed during an import.
"""

from __future__ import annotations

import enum
import unicodedata
from collections import Counter
from functools import lru_cache
from typing import NamedTuple

from rapidfuzz.distance import OSA, Indel

from importers.pricelist import COLOUR, COLOUR_CODE, MODEL, PROBLEM, VALID_FROM, VALID_TO, ParsedRow
from importers.values import colour_key, normalise_key

from ..contracts.terms import ProcuredTerms, SupplierTerms


class Verdict(enum.StrEnum):
    allowed = "allowed"
    invalid_row = "invalid_row"
    not_procured = "not_procured"
    outside_validity = "outside_validity"
    non_base_colour = "non_base_colour"


EXCLUSIONS = (Verdict.invalid_row, Verdict.not_procured, Verdict.outside_validity, Verdict.non_base_colour)


class Judgement(NamedTuple):
    verdict: Verdict
    base_colour: str | None
    procured: ProcuredTerms | None


# A file holds few distinct models; normalising each once keeps judge() cheap.
_model_key = lru_cache(maxsize=65536)(normalise_key)


def judge(row: ParsedRow | tuple, terms: SupplierTerms) -> Judgement:
    """The verdict for one row (a ParsedRow, or a plain tuple in its order): the first rule that applies wins."""
    if row[PROBLEM] is not None:
        return _INVALID
    procured = terms.models.get(_model_key(row[MODEL]))
    if procured is None:
        return _NOT_PROCURED
    start = terms.contract_start
    valid_from, valid_to = row[VALID_FROM], row[VALID_TO]
    if (valid_from and valid_from > start) or (valid_to and valid_to < start):
        return Judgement(Verdict.outside_validity, None, procured)
    base = base_colour(row[COLOUR], row[COLOUR_CODE], terms)
    if base is None:
        return Judgement(Verdict.non_base_colour, None, procured)
    return Judgement(Verdict.allowed, base, procured)


def unprocured_models(models, terms: SupplierTerms) -> set:
    """Of these model values, those whose readable rows judge() finds ``not_procured``.

    The import's cheap path: over 97 % of a big list is such rows, and they need only their verdict
    and a short stored row, so the contract is looked up once per distinct model instead of per row.
    """
    return {model for model in models if model and terms.models.get(_model_key(model)) is None}


_INVALID = Judgement(Verdict.invalid_row, None, None)
_NOT_PROCURED = Judgement(Verdict.not_procured, None, None)


def base_colour(colour: str | None, code: str | None, terms: SupplierTerms) -> str | None:
    """The base colour a colour name or code maps to, or None."""
    for value in (colour, code):
        if value:
            base = terms.colours.get(colour_key(value))
            if base is not None:
                return base
    return None


def unknown_colours(non_base: Counter, file_counts: Counter, terms: SupplierTerms) -> list[dict]:
    """Colour values that look like mistakes rather than real non-base colours.

    ``non_base`` counts rows judged non_base_colour per raw (colour, code);
    ``file_counts`` counts all data rows of the file the same way. Values are
    compared in their normalised form (so ``' SAND '`` and ``'Sand'`` are one
    colour). A value is reported when it occurs in at most two rows of the
    file, or is close to one of the supplier's base colour names (a typo or a
    missing accent). Rows without any colour value are not reported. Returns
    dicts with colour, colour_code and rows, sorted.
    """
    in_file: Counter = Counter()
    for (colour, code), rows in file_counts.items():
        in_file[(colour_key(colour), colour_key(code))] += rows
    groups: dict[tuple[str, str], dict] = {}
    for (colour, code), rows in non_base.items():
        key = (colour_key(colour), colour_key(code))
        if key == ("", "") or not terms.dismissed.isdisjoint(key):
            continue  # no colour given at all, or already decided: nothing a person could map
        group = groups.setdefault(key, {"colour": colour, "colour_code": code, "rows": 0})
        group["rows"] += rows
    names = set(terms.colours)
    return sorted(
        (g for key, g in groups.items() if in_file[key] <= 2 or _close_to_base(g["colour"], names)),
        key=lambda g: (g["colour"] or "", g["colour_code"] or ""),
    )


def _close_to_base(colour: str | None, names: set[str]) -> bool:
    """True for a value that differs from a base colour name by accents only or by a small typo.

    A typo is one inserted, missing, changed or swapped letter ('Biege', 'Svrat'),
    or a close match overall (normalised Indel similarity ≥ 0.85); both only for
    names of four letters or more.
    """
    if not colour:
        return False
    key = colour_key(colour)
    plain = _without_accents(key)
    for name in names:
        if plain == _without_accents(name):
            return True
        if len(name) >= 4 and (OSA.distance(key, name) <= 1 or Indel.normalized_similarity(key, name) >= 0.85):
            return True
    return False


def _without_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
