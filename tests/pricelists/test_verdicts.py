"""The verdict rules, as pure functions over ParsedRow values and hand-made contract terms."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from catalog_service.contracts.terms import ProcuredTerms, SupplierTerms
from catalog_service.pricelists.verdicts import Verdict, base_colour, judge, unknown_colours
from importers.pricelist import ParsedRow
from importers.values import colour_key, normalise_key

START = date(2026, 5, 1)
SOL = ProcuredTerms("SOL1-AD", "12", 45000, False)
BASE_COLOURS = {
    "Beige": ("Natural", "01"),
    "Svart": ("Black", "90"),
    "Hudfärg": ("HF",),
}


def make_terms(base_colours=BASE_COLOURS) -> SupplierTerms:
    """Terms built the way contracts.service.supplier_terms builds them: the canonical name counts too."""
    colours = {}
    for base, names in base_colours.items():
        for name in (base, *names):
            colours.setdefault(colour_key(name), base)
    return SupplierTerms(
        supplier="medi", contract_start=START, models={normalise_key(SOL.model_number): SOL}, colours=colours
    )


TERMS = make_terms()


def row(**changes) -> ParsedRow:
    values = {
        "sheet": "Blad1",
        "row": 2,
        "article_number": "MD1",
        "gtin": None,
        "model": "SOL1-AD",
        "name": "Sol",
        "compression_class": 1,
        "garment_type": "Knästrumpa",
        "size": "M",
        "length": "Normal",
        "colour": "Beige",
        "colour_code": None,
        "price_ore": 45000,
        "valid_from": None,
        "valid_to": None,
        "problem": None,
    }
    values.update(changes)
    return ParsedRow(**values)


PROBLEM = ("invalid_price", "Pris", "priset 'POA' är inget tal")


# --- order of reasons --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"problem": PROBLEM, "model": "OTHER", "valid_from": date(2027, 1, 1), "colour": "Mint"}, "invalid_row"),
        ({"model": "OTHER", "valid_from": date(2027, 1, 1), "colour": "Mint"}, "not_procured"),
        ({"valid_from": date(2027, 1, 1), "colour": "Mint"}, "outside_validity"),
        ({"valid_to": date(2026, 1, 1), "colour": "Mint"}, "outside_validity"),
        ({"colour": "Mint"}, "non_base_colour"),
        ({}, "allowed"),
    ],
)
def test_first_reason_that_applies_wins(changes, expected):
    assert judge(row(**changes), TERMS).verdict == Verdict(expected)


def test_allowed_row_carries_base_colour_and_contract_terms():
    judgement = judge(row(colour="Natural"), TERMS)

    assert judgement == (Verdict.allowed, "Beige", SOL)


def test_invalid_row_carries_nothing_else():
    assert judge(row(problem=PROBLEM), TERMS) == (Verdict.invalid_row, None, None)


def test_excluded_procured_rows_keep_the_contract_terms():
    assert judge(row(colour="Mint"), TERMS) == (Verdict.non_base_colour, None, SOL)
    assert judge(row(valid_to=date(2026, 4, 30)), TERMS).procured == SOL


# --- models ------------------------------------------------------------------------------------


@pytest.mark.parametrize("model", ["SOL1-AD", "sol1-ad", "  Sol1-Ad ", "SOL1-AD\u00a0"])
def test_model_matches_trimmed_and_case_insensitively(model):
    assert judge(row(model=model), TERMS).verdict is Verdict.allowed


@pytest.mark.parametrize("model", ["SOL1-A", "SOL1 AD", "SOL1-AD2", "", None])
def test_other_models_are_not_procured(model):
    assert judge(row(model=model), TERMS).verdict is Verdict.not_procured


# --- validity ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("valid_from", "valid_to", "covered"),
    [
        (None, None, True),  # no validity given
        (date(2025, 1, 1), None, True),  # open-ended
        (None, date(2027, 12, 31), True),
        (START, START, True),  # both ends inclusive
        (date(2026, 4, 1), START, True),
        (START, date(2026, 5, 31), True),
        (date(2026, 5, 2), None, False),  # starts after the contract start
        (date(2026, 5, 2), date(2027, 1, 1), False),
        (None, date(2026, 4, 30), False),  # ended before it
        (date(2025, 1, 1), date(2026, 4, 30), False),
    ],
)
def test_validity_must_cover_the_contract_start(valid_from, valid_to, covered):
    verdict = judge(row(valid_from=valid_from, valid_to=valid_to), TERMS).verdict

    assert verdict is (Verdict.allowed if covered else Verdict.outside_validity)


def test_validity_is_measured_against_the_terms_start():
    later = SupplierTerms("medi", date(2026, 6, 1), TERMS.models, TERMS.colours)
    early_row = row(valid_from=None, valid_to=date(2026, 5, 15))

    assert judge(early_row, TERMS).verdict is Verdict.allowed
    assert judge(early_row, later).verdict is Verdict.outside_validity


# --- colours -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("colour", "code", "expected"),
    [
        ("Beige", None, "Beige"),  # the canonical name itself
        ("Natural", None, "Beige"),  # a supplier's name for it
        ("  NATURAL ", None, "Beige"),
        ("black", None, "Svart"),
        ("hud färg", None, None),  # inner space is not ignored, only collapsed
        ("Hudfärg", None, "Hudfärg"),
        (None, "01", "Beige"),  # by code alone
        (None, "1", "Beige"),  # digits-only codes compare as numbers
        (None, "001", "Beige"),
        ("Mint", "90", "Svart"),  # the code matches though the name does not
        ("Grafit", "10", None),
        (None, "9", None),
        ("Silky Beige", None, None),  # whole values only
        ("Beige melange", None, None),
        ("Beige/Svart", None, None),
        ("Beig", None, None),
        (None, None, None),
    ],
)
def test_base_colour_by_name_or_code_whole_values_only(colour, code, expected):
    assert base_colour(colour, code, TERMS) == expected


def test_text_codes_compare_as_text():
    terms = make_terms({"Beige": ("A01",)})

    assert base_colour(None, "a01", terms) == "Beige"
    assert base_colour(None, "A1", terms) is None


def test_base_colours_are_per_supplier():
    essity = make_terms({"Beige": (), "Svart": ()})

    assert judge(row(colour="Hudfärg"), essity).verdict is Verdict.non_base_colour
    assert judge(row(colour="Hudfärg"), TERMS).verdict is Verdict.allowed


# --- unknown colours ---------------------------------------------------------------------------


def reported(non_base: dict, also_in_file: dict | None = None) -> list:
    """unknown_colours for a file whose non-base rows are ``non_base`` plus other rows ``also_in_file``."""
    file_counts = Counter(non_base) + Counter(also_in_file or {})
    return [u["colour"] or u["colour_code"] for u in unknown_colours(Counter(non_base), file_counts, TERMS)]


def test_rare_values_are_reported_and_frequent_ones_are_not():
    non_base = {
        ("Natrual", None): 1,
        ("TBA", None): 2,  # two rows: still rare
        ("Okänd", None): 3,  # three rows: a colour of its own
        ("Mint", None): 40,
        ("Grafit", None): 12,
    }

    assert reported(non_base) == ["Natrual", "TBA"]


def test_rarity_counts_rows_of_the_whole_file():
    # One non-base row of "Marin", but the file has many more rows of it (for other models).
    assert reported({("Marin", None): 1}, also_in_file={("Marin", None): 30}) == []


def test_rarity_counts_spellings_of_one_colour_together():
    non_base = {("  MINT ", None): 1, ("mint", None): 1, ("Mint", None): 1}

    assert reported(non_base) == []


@pytest.mark.parametrize(
    "value",
    [
        "Biege",  # swapped letters
        "Svrat",
        "Beig",  # a missing letter
        "Beigee",  # an extra one
        "Blask",  # a wrong one
        "Hudfarg",  # a missing accent
        "HUDFARG",
        "Naturel",
    ],
)
def test_values_close_to_a_base_name_are_reported_even_when_frequent(value):
    assert reported({(value, None): 25}) == [value]


@pytest.mark.parametrize("value", ["Mint", "Grafit", "Silky Beige", "Sand", "Navy", "Hf 2"])
def test_frequent_real_colours_are_not_reported(value):
    assert reported({(value, None): 25}) == []


def test_short_names_need_an_exact_accent_free_match():
    # "HF" is two letters: "HG" is one letter off, but too short to call it a typo.
    assert reported({("HG", None): 25}) == []


def test_unknown_colours_give_value_code_and_rows_sorted():
    non_base = {("Zebra", "99"): 1, ("Biege", None): 30, (None, "77"): 2}

    result = unknown_colours(Counter(non_base), Counter(non_base), TERMS)

    assert result == [
        {"colour": None, "colour_code": "77", "rows": 2},
        {"colour": "Biege", "colour_code": None, "rows": 30},
        {"colour": "Zebra", "colour_code": "99", "rows": 1},
    ]


def test_rows_without_any_colour_are_not_reported_as_unknown_colours():
    assert reported({(None, None): 1, ("TBA", None): 1}) == ["TBA"]
