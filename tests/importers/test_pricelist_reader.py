"""The price-list reader, run in-process on workbooks built by the factories.

Covers header detection, which rows are data rows, what is skipped, and the
per-row problems (duplicates across sheets, precedence of problem kinds).
"""

from __future__ import annotations

from datetime import date

import pytest

from importers.errors import ImportFileError
from importers.pricelist import ReadSummary, SheetLayout, parsed_rows, read_price_list
from importers.profiles import SupplierProfile, load_profiles
from tests.factories.workbooks import SMALL_LAYOUT, SMALL_ROWS, price_list, supplier_layout

PROFILES = load_profiles()
ALL_PROFILES = tuple(PROFILES.values())

RAMA_LAYOUT = supplier_layout("rama")
ESSITY_LAYOUT = supplier_layout("essity")


def read(path, profile: str | SupplierProfile = "medi", others=ALL_PROFILES):
    """Run the reader to the end: (layouts, rows, summary)."""
    profile = PROFILES[profile] if isinstance(profile, str) else profile
    layouts, rows, summaries = [], [], []
    for message in read_price_list(path, profile, others):
        if isinstance(message, SheetLayout):
            layouts.append(message)
        elif isinstance(message, ReadSummary):
            summaries.append(message)
        else:
            rows.extend(parsed_rows(message))
    assert len(summaries) == 1
    return layouts, rows, summaries[0]


def rama_row(article="RA1", *, klass="K2", price=450.0, valid_from=date(2026, 1, 1), valid_to=None, model="RAM2"):
    return [article, "Rama strumpa", model, klass, "Knästrumpa", "M", "Normal", "Beige", price, valid_from, valid_to]


def problems(rows) -> dict[str, str | None]:
    return {r.article_number or f"row {r.row}": (r.problem[0] if r.problem else None) for r in rows}


# --- header detection --------------------------------------------------------------------------


def test_header_is_found_below_title_rows(tmp_path):
    path = price_list(tmp_path, SMALL_LAYOUT, SMALL_ROWS, title_rows=["Prislista 2026", "Priser i SEK", ""])

    (layout,), rows, summary = read(path)

    assert layout.header_row == 4
    assert layout.columns["price"] == "Pris exkl moms"
    assert layout.indexes["colour"] == SMALL_LAYOUT.index("Färg")
    assert [r.row for r in rows] == list(range(5, 5 + len(SMALL_ROWS)))
    assert rows[0].article_number == "MD1000001"
    assert rows[0].price_ore == 37150
    assert summary.data_rows == len(SMALL_ROWS)
    assert summary.skipped_rows == 0  # title rows above the header are not counted


def test_header_below_the_scan_window_is_not_found(tmp_path):
    profile = PROFILES["medi"]
    path = price_list(tmp_path, SMALL_LAYOUT, SMALL_ROWS, title_rows=profile.header_scan_rows)

    with pytest.raises(ImportFileError) as caught:
        read(path)

    assert caught.value.kind == "unreadable"


def test_sheet_without_header_is_skipped_and_named(tmp_path):
    info = [["Om prislistan"], ["Gäller från 2026-05-01"], ["Kontakt", "order@example.invalid"]]
    path = price_list(tmp_path, SMALL_LAYOUT, SMALL_ROWS, sheet="Kompression", extra_sheets=[("Info", info)])

    layouts, rows, summary = read(path)

    assert [layout.name for layout in layouts] == ["Kompression"]
    assert summary.skipped_sheets == ["Info"]
    assert {r.sheet for r in rows} == {"Kompression"}
    assert summary.data_rows == len(SMALL_ROWS)


def test_change_log_sheet_with_some_known_headers_is_skipped(tmp_path):
    log = [["Datum", "Artikel", "Beskrivning", "Pris"], ["2026-01-10", "MD1000001", "Nytt pris", "450"]]
    path = price_list(tmp_path, SMALL_LAYOUT, SMALL_ROWS, extra_sheets=[("Ändringar", log)])

    layouts, _, summary = read(path)

    assert [layout.name for layout in layouts] == ["Blad1"]
    assert summary.skipped_sheets == ["Ändringar"]


def test_workbook_without_any_header_is_refused(tmp_path):
    path = price_list(
        tmp_path,
        ["Ändringslogg"],
        [["2026-01-10", "Nya priser"]],
        sheet="Logg",
        extra_sheets=[("Info", [["Om prislistan"]])],
    )

    with pytest.raises(ImportFileError) as caught:
        read(path)

    assert caught.value.kind == "unreadable"
    assert caught.value.details["skipped_sheets"] == ["Info", "Logg"]


def test_profile_own_header_names_win_over_common_names(tmp_path):
    # "Artikel" is a common name for the article number; this supplier uses it for the product name.
    profile = SupplierProfile(
        code="acme",
        name="Acme",
        headers={"article_number": ("Nr",), "name": ("Artikel",), "price": ("Nettopris",)},
    )
    layout = ["Artikel", "Nr", "Modell", "Klass", "Färg", "Pris", "Nettopris"]
    rows = [["Strumpa Sol", "A-1", "SOL1", "K1", "Beige", 500.0, 400.0]]
    path = price_list(tmp_path, layout, rows)

    (found,), (row,), _ = read(path, profile, others=())

    assert found.columns["article_number"] == "Nr"
    assert found.columns["name"] == "Artikel"
    assert found.columns["price"] == "Nettopris"  # not the common "Pris", although that comes first
    assert (row.article_number, row.name, row.price_ore) == ("A-1", "Strumpa Sol", 40000)


def test_own_header_name_wins_whatever_the_column_order(tmp_path):
    profile = SupplierProfile(code="acme", name="Acme", headers={"price": ("Nettopris",)})
    layout = ["Nettopris", "Art.nr", "Modell", "KKL", "Färg", "Pris"]
    path = price_list(tmp_path, layout, [[400.0, "A-1", "SOL1", 1, "Beige", 500.0]])

    (found,), (row,), _ = read(path, profile, others=())

    assert found.columns["price"] == "Nettopris"
    assert row.price_ore == 40000


def test_missing_required_column_lists_headers_found_and_names_tried(tmp_path):
    layout = [h for h in SMALL_LAYOUT if h != "Pris exkl moms"]
    path = price_list(tmp_path, layout, [row[:-1] for row in SMALL_ROWS], title_rows=1)

    with pytest.raises(ImportFileError) as caught:
        read(path)

    error = caught.value
    assert error.kind == "unreadable"
    assert error.details["row"] == 2
    assert error.details["missing"] == ["price"]
    assert error.details["headers_found"] == layout
    assert error.details["names_tried"]["price"][0] == "Pris exkl moms"  # the profile's own name first
    assert "Á-pris" in error.details["names_tried"]["price"]
    assert "Pris exkl moms" in error.message
    assert "Produktnamn" in error.message  # a header that was found


def test_missing_colour_column_is_named_colour(tmp_path):
    layout = [h for h in SMALL_LAYOUT if h != "Färg"]
    path = price_list(tmp_path, layout, [[c for i, c in enumerate(r) if i != 8] for r in SMALL_ROWS])

    with pytest.raises(ImportFileError) as caught:
        read(path)

    assert caught.value.details["missing"] == ["colour"]


@pytest.mark.parametrize(
    ("layout", "chosen", "likely"),
    [(SMALL_LAYOUT, "rama", "medi"), (ESSITY_LAYOUT, "juzo", "essity"), (RAMA_LAYOUT, "medi", "rama")],
)
def test_file_matching_another_profile_better_is_refused(tmp_path, layout, chosen, likely):
    path = price_list(tmp_path, layout, [["X1", *["v"] * (len(layout) - 1)]])

    with pytest.raises(ImportFileError) as caught:
        read(path, chosen)

    assert caught.value.kind == "wrong_supplier"
    assert caught.value.details == {"likely_supplier": likely}
    assert PROFILES[likely].name in caught.value.message


def test_file_of_the_chosen_supplier_is_not_refused(tmp_path):
    path = price_list(tmp_path, SMALL_LAYOUT, SMALL_ROWS)

    (layout,), _, _ = read(path, "medi")

    assert layout.header_row == 1


# --- data rows and skipped rows ----------------------------------------------------------------


def test_data_row_needs_two_non_blank_cells_and_whitespace_is_blank(tmp_path):
    rows = [
        SMALL_ROWS[0],
        ["MD9000001", "   ", "\t", None, "\u00a0"],  # one real value: a note row
        ["MD9000002", None, None, None, None, None, None, None, "Sand"],  # two values: a data row
    ]
    path = price_list(tmp_path, SMALL_LAYOUT, rows)

    _, data, summary = read(path)

    assert [r.row for r in data] == [2, 4]
    assert summary.data_rows == 2
    assert summary.skipped_rows == 1
    assert data[1].article_number == "MD9000002"
    assert data[1].problem[0] == "unknown_compression_class"


def test_skipped_rows_count_gaps_and_notes_but_not_trailing_empty_rows(tmp_path):
    rows = [
        SMALL_ROWS[0],
        [],  # empty row in the middle
        ["  ", None, "\t"],  # whitespace only: empty
        SMALL_ROWS[1],
        ["Observera: priser exkl. moms"],  # one-cell note in the middle
        SMALL_ROWS[2],
        [],
        ["Alla priser exkl. moms"],  # a note after the data, one empty row later
        [" ", " "],  # trailing rows with only whitespace are not counted
        [],
        ["", "   "],
    ]
    path = price_list(tmp_path, SMALL_LAYOUT, rows)

    _, data, summary = read(path)

    assert [r.row for r in data] == [2, 5, 7]
    assert summary.data_rows == 3
    assert summary.skipped_rows == 5  # rows 3, 4, 6, 8, 9


def test_counts_cover_every_sheet(tmp_path):
    leg = [ESSITY_LAYOUT, [1001.0, 1.0, "Leg", "L", "M1", "CCL2", "Knee", "M", "Reg", "Beige", 400.0], [], ["note"]]
    arm = [[2001.0, 2.0, "Arm", "L", "M2", "CCL2", "Sleeve", "M", "Reg", "Black", 300.0]]
    path = price_list(
        tmp_path, ESSITY_LAYOUT, arm, title_rows=3, sheet="Arm", extra_sheets=[("Leg", leg)], name="essity.xlsx"
    )

    layouts, data, summary = read(path, "essity")

    assert [(layout.name, layout.header_row) for layout in layouts] == [("Leg", 1), ("Arm", 4)]
    assert [(r.sheet, r.row, r.article_number) for r in data] == [("Leg", 2, "1001"), ("Arm", 5, "2001")]
    assert (summary.data_rows, summary.skipped_rows, summary.skipped_sheets) == (2, 2, [])


# --- duplicates --------------------------------------------------------------------------------


def test_duplicate_article_numbers_across_sheets_first_occurrence_wins(tmp_path):
    first = [SMALL_LAYOUT, SMALL_ROWS[0], SMALL_ROWS[1]]
    second = [
        ["  MD1000001 ", *SMALL_ROWS[0][1:]],  # repeated, with whitespace
        SMALL_ROWS[2],
        SMALL_ROWS[1],  # repeated
        SMALL_ROWS[2],  # repeated within the same sheet
    ]
    path = price_list(tmp_path, SMALL_LAYOUT, second, sheet="Arm", extra_sheets=[("Ben", first)])

    _, data, _ = read(path)

    outcome = [(r.sheet, r.row, r.article_number, r.problem and r.problem[0]) for r in data]
    assert outcome == [
        ("Ben", 2, "MD1000001", None),
        ("Ben", 3, "MD1000002", None),
        ("Arm", 2, "MD1000001", "duplicate_article_number"),
        ("Arm", 3, "MD1000003", None),
        ("Arm", 4, "MD1000002", "duplicate_article_number"),
        ("Arm", 5, "MD1000003", "duplicate_article_number"),
    ]
    _kind, column, message = data[2].problem
    assert column == "Art.nr"
    assert "'Ben'" in message and "rad 2" in message


def test_invalid_first_occurrence_is_still_the_first(tmp_path):
    rows = [
        ["MD1", "g", "n", "M", "KKL 9", "t", "s", "l", "Sand", "POA"],  # invalid itself
        ["MD1", "g", "n", "M", 2, "t", "s", "l", "Sand", 400.0],  # a valid row, but a repeat
    ]
    path = price_list(tmp_path, SMALL_LAYOUT, rows)

    _, (first, second), _ = read(path)

    assert first.problem[0] == "unknown_compression_class"
    assert second.problem[0] == "duplicate_article_number"
    assert "rad 2" in second.problem[2]


def test_number_and_text_article_numbers_are_the_same_article(tmp_path):
    rows = [
        [1234.0, 1.0, "d", "p", "M", "CCL1", "g", "s", "l", "Beige", 100.0],
        ["1234", 2.0, "d", "p", "M", "CCL1", "g", "s", "l", "Beige", 100.0],
        ["1234.0", 3.0, "d", "p", "M", "CCL1", "g", "s", "l", "Beige", 100.0],
    ]
    path = price_list(tmp_path, ESSITY_LAYOUT, rows)

    _, data, _ = read(path, "essity")

    assert [(r.article_number, r.problem and r.problem[0]) for r in data] == [
        ("1234", None),
        ("1234", "duplicate_article_number"),
        ("1234", "duplicate_article_number"),
    ]


# --- problem precedence ------------------------------------------------------------------------


def test_problem_precedence_first_kind_that_applies_wins(tmp_path):
    rows = [
        rama_row("RA1"),
        rama_row(None, klass="K9", price="POA", valid_to="snart"),  # everything wrong, no article
        rama_row("RA1", klass="K9", price="POA", valid_to="snart"),  # repeated, and everything else wrong
        rama_row("RA2", klass="K9", price="POA", valid_to="snart"),
        rama_row("RA3", price="POA", valid_from="igår", valid_to="snart"),
        rama_row("RA4", price="", valid_to="snart"),
        rama_row("RA5", valid_to="snart"),
        rama_row("RA6", valid_from="2026-13-01"),
        rama_row("RA7", valid_from="2026-05-01", valid_to=date(2026, 12, 31)),
    ]
    path = price_list(tmp_path, RAMA_LAYOUT, rows)

    _, data, _ = read(path, "rama")

    assert [r.problem and r.problem[0] for r in data] == [
        None,
        "missing_article_number",
        "duplicate_article_number",
        "unknown_compression_class",
        "invalid_price",
        "invalid_price",
        "invalid_date",
        "invalid_date",
        None,
    ]
    columns = [r.problem[1] for r in data if r.problem]
    assert columns == ["Artikel", "Artikel", "Klass", "Á-pris", "Á-pris", "Giltig till", "Giltig från"]
    assert "'POA'" in data[4].problem[2]
    assert "'snart'" in data[6].problem[2]
    assert (data[8].valid_from, data[8].valid_to) == (date(2026, 5, 1), date(2026, 12, 31))


def test_validity_dates_from_date_cells_and_text(tmp_path):
    rows = [
        rama_row("RA1", valid_from=date(2026, 1, 1), valid_to=None),
        rama_row("RA2", valid_from="2026-06-01", valid_to="2027-12-31"),
        rama_row("RA3", valid_from=" ", valid_to="2027-12-31"),
    ]
    path = price_list(tmp_path, RAMA_LAYOUT, rows)

    _, data, _ = read(path, "rama")

    assert [(r.valid_from, r.valid_to, r.problem) for r in data] == [
        (date(2026, 1, 1), None, None),
        (date(2026, 6, 1), date(2027, 12, 31), None),
        (None, date(2027, 12, 31), None),
    ]


def test_row_with_both_validity_cells_empty_has_no_dates(tmp_path):
    path = price_list(tmp_path, RAMA_LAYOUT, [rama_row("RA1", valid_from=None, valid_to=None)])

    _, (row,), _ = read(path, "rama")

    assert (row.valid_from, row.valid_to, row.problem) == (None, None, None)


def test_text_prices_and_leading_zero_article_numbers(tmp_path):
    layout = ["Artikelnummer", "Modell", "Kompressionsklasse", "Farbe", "Farbnummer", "Preis (SEK)"]
    rows = [
        ["000123", "JZ1", "KKL 2", "Beige", "01", "1 234,50"],
        ["000124", "JZ1", "KKL 2", "Beige", "01", 469.5],
        ["000125", "JZ1", "KKL 2", "Beige", "01", "pris på förfrågan"],
    ]
    path = price_list(tmp_path, layout, rows)

    _, data, _ = read(path, "juzo")

    assert [(r.article_number, r.colour_code, r.price_ore) for r in data] == [
        ("000123", "01", 123450),
        ("000124", "01", 46950),
        ("000125", "01", None),
    ]
    assert data[2].problem[:2] == ("invalid_price", "Preis (SEK)")


def test_row_without_model_is_invalid_not_silently_unprocured(tmp_path):
    rows = [list(row) for row in SMALL_ROWS]
    rows[1][3] = None  # as under a merged model cell: only the first row holds the value
    path = price_list(tmp_path, SMALL_LAYOUT, rows)

    _, data, _ = read(path)

    assert data[1].problem == ("missing_model", "Modell", "modell saknas")
    assert data[0].problem is None


# --- invisible characters ----------------------------------------------------------------------


def test_format_characters_are_removed_from_headers_and_cells_before_they_are_compared(tmp_path):
    layout = ["\ufeff" + SMALL_LAYOUT[0], *SMALL_LAYOUT[1:-2], "Fär\u200bg", SMALL_LAYOUT[-1]]
    rows = [
        ["\u200bMD1", "", "Sol", "SOL1-AD", 1, "Knästrumpa", "I", "Kort", "\u200bSvart", 371.5],
        ["MD2", "", "Sol", "SOL1\u2060-AD", 1, "Knästrumpa", "I", "Kort", "Svart\u200b", 371.5],
        ["MD3", "", "Sol", "SOL1-AD", 1, "Knästrumpa", "I", "Kort", "Sv\u200bart", 371.5],
        ["MD4", "", "Sol", "SOL1-AD", 1, "Knästrumpa", "I", "Kort", "Hudfa\u0308rg", 371.5],
        ["MD1\u200b", "", "Sol", "SOL1-AD", 1, "Knästrumpa", "I", "Kort", "Svart", 371.5],
    ]
    path = price_list(tmp_path, layout, rows)

    (found,), parsed, summary = read(path)

    assert found.columns["article_number"] == "Art.nr"  # the header as stored, without the BOM
    assert found.columns["colour"] == "Färg"
    assert [r.article_number for r in parsed] == ["MD1", "MD2", "MD3", "MD4", "MD1"]
    assert [r.model for r in parsed] == ["SOL1-AD"] * 5
    assert [r.colour for r in parsed] == ["Svart", "Svart", "Svart", "Hudfärg", "Svart"]
    # The same article number once with an invisible character is still a duplicate.
    assert [r.problem and r.problem[0] for r in parsed] == [None, None, None, None, "duplicate_article_number"]
    assert summary.colour_counts == {("Svart", None): 4, ("Hudfärg", None): 1}


# --- rows are cleaned a chunk at a time ------------------------------------------------------------


MIXED_ROWS = [
    SMALL_ROWS[0],
    [],
    ["  ", None, "\t"],
    SMALL_ROWS[1],
    ["Observera: priser exkl. moms"],
    SMALL_ROWS[0],  # a repeated article number
    ["MD9000001", "", "Sol", "SOL1-AD", "K9", "Knästrumpa", "I", "Kort", "Sand", "gratis"],
    ["MD9000002", 4048713000017, "Sol", "", 1, "Knästrumpa", "I", "Kort", None, 371.555],
    [None, "", "Sol", "SOL1-AD", 1, "Knästrumpa", "I", "Kort", "Sand", 371.5],
    ["1234.0", 7350012530778, " Sol\u200b", "SOL1-AD", 1.0, "Knästrumpa", 1, "Kort", 21, 400],
    *SMALL_ROWS[2:],
    [],
    ["Alla priser exkl. moms"],
    [" ", " "],
    [],
]


@pytest.mark.parametrize("chunk_rows", [1, 2, 3, 7])
def test_rows_read_the_same_whatever_the_chunk_size(tmp_path, monkeypatch, chunk_rows):
    """Blank rows before a chunk's end, repeated articles in another chunk, invalid rows: one result."""
    from importers import pricelist

    path = price_list(tmp_path, SMALL_LAYOUT, MIXED_ROWS, title_rows=["Prislista 2026"])
    expected = read(path)
    monkeypatch.setattr(pricelist, "CHUNK_ROWS", chunk_rows)

    layouts, rows, summary = read(path)
    assert (layouts, rows) == expected[:2]
    assert (summary.data_rows, summary.skipped_rows, summary.colour_counts) == (
        expected[2].data_rows,
        expected[2].skipped_rows,
        expected[2].colour_counts,
    )
    assert summary.skipped_rows == 5  # rows 4, 5, 7, and the empty row and the note after the data
    assert problems(rows)["MD1000001"] in (None, "duplicate_article_number")
    assert [r.problem[0] for r in rows if r.problem] == [
        "duplicate_article_number",
        "unknown_compression_class",
        "missing_model",
        "missing_article_number",
    ]
    assert rows[-len(SMALL_ROWS[2:]) - 1].article_number == "1234"


def test_mostly_unique_and_mostly_repeated_text_columns_clean_alike(tmp_path, monkeypatch):
    """Names unique on every row are cleaned directly, repeated ones through the memo: the same texts."""
    from importers import pricelist

    rows = [
        [f"MD{n:07d}", "", f" Namn\u200b {n} ", "SOL1-AD", 1, "Knästrumpa", "I", "Kort", "Sand", 371.5]
        for n in range(50)
    ]
    rows += [
        [f"MD{n:07d}", "", " Namn\u200b ", "SOL1-AD", 1, "Knästrumpa", "I", "Kort", "Sand", 371.5]
        for n in range(50, 99)
    ]
    path = price_list(tmp_path, SMALL_LAYOUT, rows)

    _, data, _ = read(path)
    monkeypatch.setattr(pricelist, "TEXT_MEMO_SIZE", 1)

    assert [r.name for r in data] == [f"Namn {n}" for n in range(50)] + ["Namn"] * 49
    assert read(path)[1] == data


def test_error_cells_read_as_empty_cells(tmp_path):
    """An Excel error value (#N/A) is an empty cell to the rules, as python-calamine reads it."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(SMALL_LAYOUT)
    sheet.append(["MD1000001", "#N/A", "Sol", "SOL1-AD", 1, "Knästrumpa", "I", "Kort", "Sand", "#N/A"])
    sheet.append(["#REF!", "#N/A", "#N/A", "#N/A", "#N/A", "#N/A", "#N/A", "#N/A", "#N/A", "#N/A"])
    sheet.append(["MD1000002", "", "Sol", "SOL1-AD", 1, "Knästrumpa", "I", "Kort", "#DIV/0!", 371.5])
    book.save(tmp_path / "fel.xlsx")

    _, rows, summary = read(tmp_path / "fel.xlsx")

    assert [r.row for r in rows] == [2, 4]
    assert summary.skipped_rows == 1  # the row of errors only is a blank row
    assert rows[0].gtin is None and rows[0].problem[0] == "invalid_price" and rows[0].problem[2] == "pris saknas"
    assert rows[1].colour is None and rows[1].problem is None
