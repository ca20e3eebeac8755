"""A few seconds of the parser fuzzer in every test run, and the inputs it has found so far."""

from __future__ import annotations

import re
from datetime import date

import pytest

from importers.errors import ImportFileError
from importers.isolation import stream_from_child
from importers.pricelist import read_price_list
from importers.profiles import load_profiles
from tests.factories import workbooks as wb
from tests.fuzz.fuzz_pricelist import Importer, fuzz, make_seeds

SMOKE_SECONDS = 4.0


def test_a_few_seconds_of_mutated_workbooks_find_no_bug(tmp_path):
    importer = Importer(tmp_path)
    figures = fuzz(SMOKE_SECONDS, 424242, tmp_path / "crashes", importer, make_seeds(tmp_path), tmp_path)

    assert figures.bugs == []
    assert figures.executions >= 10
    assert figures.outcomes["accepted"] >= 1 and sum(figures.outcomes.values()) == figures.executions


def _date_list(directory, value: bytes):
    """A list with a validity date column whose first date cell holds ``value`` as its serial number."""
    rows = [[*r, date(2026, 1, 1)] for r in wb.SMALL_ROWS]
    path = wb.price_list(directory, [*wb.SMALL_LAYOUT, "Giltig från"], rows, name="datum.xlsx")

    def change(xml: bytes) -> bytes:
        return re.sub(rb'(<c r="K2"[^>]*><v>)[^<]*', rb"\g<1>" + value, xml)

    path.write_bytes(wb._rewrite_zip(path.read_bytes(), change={"xl/worksheets/sheet1.xml": change}))
    return path


def test_a_date_cell_that_makes_the_reader_panic_is_a_clean_refusal(tmp_path):
    """Found by the fuzzer: calamine panics (a BaseException) turning -1e308 into a date."""
    path = _date_list(tmp_path, b"-1e308")
    profile = load_profiles()["medi"]

    with pytest.raises(ImportFileError) as refused:
        list(stream_from_child(read_price_list, path, profile))

    assert refused.value.kind == "unreadable"
    assert refused.value.details == {"sheet": "Blad1", "reason": "calamine.PanicException"}
    assert "datum utanför Excels kalender" in refused.value.message


@pytest.mark.parametrize("value", [b"1e308", b"2958466", b"-700000", b"NaN", b"inf"])
def test_other_impossible_dates_are_invalid_rows(tmp_path, value):
    path = _date_list(tmp_path, value)
    messages = list(stream_from_child(read_price_list, path, load_profiles()["medi"]))
    rows = [row for batch in messages if hasattr(batch, "rows") for row in batch.rows()]
    assert len(rows) == len(wb.SMALL_ROWS)
    assert rows[0][-1][0] == "invalid_date"
