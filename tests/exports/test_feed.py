from datetime import datetime

from exports.feed import ITEM_KEYS, document_rows, item_row, published_at_utc


def test_item_row_gives_values_in_item_key_order(document):
    item = document["items"][0]
    assert item_row(item) == [item[key] for key in ITEM_KEYS]
    assert item_row(item)[ITEM_KEYS.index("contract_price_sek")] == "559.00"


def test_item_keys_follow_the_design_order_then_the_list_price_and_the_stock_flag():
    assert ITEM_KEYS[0] == "article_number"
    assert ITEM_KEYS[-5:] == (
        "made_to_measure",
        "contract_price_sek",
        "lead_time_working_days",
        "list_price_sek",
        "hmc_stock_item",
    )
    assert len(set(ITEM_KEYS)) == 17


def test_document_rows_list_the_document_fields(document):
    assert document_rows(document) == [
        ("supplier", "medi"),
        ("version", 7),
        ("published_at", "2025-03-01T08:30:15Z"),
        ("contract.valid_from", "2025-01-01"),
        ("contract.valid_to", "2026-12-31"),
    ]


def test_published_at_is_read_as_naive_utc():
    assert published_at_utc({"published_at": "2025-03-01T10:30:15+02:00"}) == datetime(2025, 3, 1, 8, 30, 15)
    assert published_at_utc({"published_at": "2025-03-01T08:30:15"}) == datetime(2025, 3, 1, 8, 30, 15)
