"""An assortment item in the feed's shape: the keys of DESIGN.md, prices as SEK text."""

from __future__ import annotations

from collections.abc import Set

from exports.feed import ITEM_KEYS


def as_feed_item(item: dict, stock_items: Set[str] = frozenset()) -> dict:
    """An item in the feed's shape (DESIGN.md, plus the supplier's list price): prices as SEK text.

    ``hmc_stock_item`` is True when the article is in ``stock_items``, the supplier's
    articles that HMC currently holds in stock (``stock.flags.stock_article_numbers``).
    """
    feed = {key: item.get(key) for key in ITEM_KEYS}
    feed["contract_price_sek"] = sek_text(item["price_ore"])
    feed["list_price_sek"] = sek_text(item["list_price_ore"])
    feed["hmc_stock_item"] = item["article_number"] in stock_items
    return feed


def sek_text(ore: int | None) -> str | None:
    """Öre as SEK text with two decimals: 55900 → '559.00'."""
    return None if ore is None else f"{ore // 100}.{ore % 100:02d}"
