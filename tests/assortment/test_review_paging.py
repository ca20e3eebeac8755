"""The review page builds only the rows it shows: every long list is paged, its count at the top, while
the API and the command line still give each list whole. A draft's items take the contract's terms."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from catalog_service.assortment import views
from catalog_service.assortment.items import diff_items, diff_rows
from catalog_service.assortment.models import ITEM_COLUMNS
from catalog_service.assortment.review import DraftReview
from catalog_service.feeds.items import as_feed_item
from tests.conftest import page_client
from tests.factories import assortments as factory

WRONG_GTIN = "4048713000017"  # 13 digits, wrong check digit


@pytest.fixture
def draft(app, tmp_path, monkeypatch):
    """Version 1 holds MED-0001…0030; the draft removes 1–5, renames 6–20, keeps 21–30 and adds 31–55,
    the added ones priced above the contract (500 against 450) and with a wrong GTIN."""
    monkeypatch.setattr(views, "PER_PAGE", 10)
    factory.load_contract(app, factory.small_contract(tmp_path))
    factory.import_and_publish(app, tmp_path, "medi", factory.articles("medi", 30, name="Strumpa"), name="v1.xlsx")
    rows = [
        *factory.articles("medi", 15, start=6, name="Ny strumpa"),
        *factory.articles("medi", 10, start=21, name="Strumpa"),
        *factory.articles("medi", 25, start=31, name="Strumpa", price=500.0, gtin=WRONG_GTIN),
    ]
    return factory.import_draft(app, factory.write_price_list(tmp_path, "medi", rows, name="v2.xlsx"), "medi")


def test_each_list_shows_one_page_and_its_whole_count(app, draft):
    officer = page_client(app, "upphandlare", name="upphandlare2")
    first = officer.get("/review/medi").text

    for heading in (
        "Nya artiklar (25)",
        "Borttagna artiklar (5)",
        "Ändrade artiklar (15)",
        "Listpris över avtalspriset (25)",
        "GTIN med fel kontrollsiffra (25)",
    ):
        assert heading in first
    assert "<strong>10</strong>oförändrade" in first
    assert "<td>MED-0040</td>" in first and "<td>MED-0041</td>" not in first  # page 1 of 3 everywhere
    assert "Sida 1 av 3 (rad 1–10 av 25)" in first

    later = officer.get("/review/medi?added_page=3&above_page=2&changed_page=2").text
    assert "Sida 3 av 3 (rad 21–25 av 25)" in later and "<td>MED-0055</td>" in later
    assert "<td>MED-0045</td>" in later  # the rows above the contract price, page 2
    assert "Sida 2 av 2 (rad 11–15 av 15)" in later and "<td>MED-0020</td>" in later
    assert "<td>MED-0015</td>" not in later  # changed page 1 is not shown


def test_the_api_gives_every_list_whole(draft, officer_client):
    review = officer_client.get(f"/api/v1/pricelists/{draft}/diff").get_json()

    diff = review["diff"]
    assert [len(diff[name]) for name in ("added", "removed", "changed")] == [25, 5, 15]
    assert diff["unchanged"] == 10
    assert diff["changed"][0] == {
        "article_number": "MED-0006",
        "fields": {"name": {"old": "Strumpa", "new": "Ny strumpa"}},
    }
    above = review["reconciliation"]["priced_above_contract"]
    assert len(above) == 25 and above[0]["price_sek"] == "500.00" and above[0]["contract_price_sek"] == "450.00"
    assert [row["article_number"] for row in review["invalid_gtins"]] == [f"MED-{n:04d}" for n in range(31, 56)]


def test_draft_items_take_the_contracts_terms(app, tmp_path, officer_client):
    factory.load_contract(app, factory.small_contract(tmp_path))
    rows = [
        factory.Article("MED-0001", factory.model("medi", 1), garment_type="Knästrumpa"),  # contract: no type
        factory.Article("MED-0002", factory.model("medi", 2), garment_type="Knästrumpa"),  # made to measure
        factory.Article("MED-0003", factory.model("medi", 3), garment_type="Knästrumpa"),  # contract: Lårstrumpa
    ]
    draft = factory.import_draft(app, factory.write_price_list(tmp_path, "medi", rows), "medi")

    added = officer_client.get(f"/api/v1/pricelists/{draft}/diff").get_json()["diff"]["added"]
    terms = [
        (i["garment_type"], i["made_to_measure"], i["lead_time_working_days"], i["contract_price_sek"]) for i in added
    ]
    assert terms == [
        ("Knästrumpa", False, 5, "450.00"),
        ("Knästrumpa", True, 10, "900.00"),
        ("Lårstrumpa", False, 5, "600.00"),
    ]


_values = st.one_of(st.none(), st.sampled_from(["", "A", "b", "Å"]), st.integers(0, 2), st.booleans())
_ore = st.integers(-150, 150)
_item = st.tuples(  # ITEM_COLUMNS: article number, 12 values, price, lead time, list price
    st.sampled_from([f"A{n}" for n in range(8)]), *[_values] * 12, _ore, _values, st.one_of(st.none(), _ore)
)


def _feed(row: tuple, stock) -> dict:
    return as_feed_item(dict(zip(ITEM_COLUMNS, row, strict=True)), stock)


@given(st.lists(_item), st.lists(_item))
def test_the_row_diff_is_the_feed_item_diff(old, new):
    """Tuples differ exactly when their feed items do (prices are spelt as SEK text; the stock flag is today's)."""
    stock = frozenset({"A1", "A2"})
    expected = diff_items([_feed(r, stock) for r in old], [_feed(r, stock) for r in new])

    found = diff_rows(old, new)
    review = DraftReview(None, None, stock, found["added"], found["removed"], found["changed"], 0, {}, [], [])
    assert review.feed_items(found["added"]) == expected["added"]
    assert review.feed_items(found["removed"]) == expected["removed"]
    assert review.changes(found["changed"]) == expected["changed"]
    assert found["unchanged"] == expected["unchanged"]
