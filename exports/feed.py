"""The feed document: what an e-shop receives for one published assortment version.

A document is a plain dict, built elsewhere from a published version::

    {"supplier": str, "version": int, "published_at": "2025-03-01T08:00:00Z",
     "contract": {"valid_from": str, "valid_to": str},
     "ordering": {...},
     "items": [{key: value for key in ITEM_KEYS}, ...]}

Item values are already in their wire form: ``contract_price_sek`` is text with
two decimals ("559.00") so no format rounds it differently (``list_price_sek``,
the supplier's own list price, likewise; it may be None), ``made_to_measure``
and ``hmc_stock_item`` (the article is a stock item at HMC: HMC's current
decision) are bools, ``compression_class`` and ``lead_time_working_days`` are ints, and
everything else is text or None. Writers never convert these values; they only
choose how each type is spelled in their format.
"""

from __future__ import annotations

from datetime import UTC, datetime

ITEM_KEYS = (
    "article_number",
    "gtin",
    "model",
    "name",
    "position",
    "iso_code",
    "compression_class",
    "garment_type",
    "size",
    "length",
    "colour",
    "base_colour",
    "made_to_measure",
    "contract_price_sek",
    "lead_time_working_days",
    "list_price_sek",
    "hmc_stock_item",
)

# Text holding a number, not words: formats leave it as it is (no formula neutralising).
NUMERIC_TEXT_KEYS = frozenset({"contract_price_sek", "list_price_sek"})


def item_row(item: dict) -> list:
    """The item's values in ITEM_KEYS order; raises KeyError when a key is missing."""
    return [item[key] for key in ITEM_KEYS]


def document_rows(document: dict) -> list[tuple[str, object]]:
    """The document's own fields (not its items) as (key, value) pairs, contract keys dotted."""
    contract = document["contract"]
    return [
        ("supplier", document["supplier"]),
        ("version", document["version"]),
        ("published_at", document["published_at"]),
        ("contract.valid_from", contract["valid_from"]),
        ("contract.valid_to", contract["valid_to"]),
    ]


def published_at_utc(document: dict) -> datetime:
    """``published_at`` as a naive UTC datetime; a value without an offset is taken as UTC."""
    moment = datetime.fromisoformat(document["published_at"])
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment
