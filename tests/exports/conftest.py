"""A feed document full of awkward values, shared by the format tests."""

from __future__ import annotations

import pytest

from exports.feed import ITEM_KEYS


def _item(**values) -> dict:
    base = {
        "article_number": "0035024461",
        "gtin": "07350012345678",
        "model": "mediven plus",
        "name": "Strumpa",
        "position": None,
        "iso_code": "04 27 06",
        "compression_class": 2,
        "garment_type": "AD",
        "size": "III",
        "length": "normal",
        "colour": "Hudfärg",
        "base_colour": "beige",
        "made_to_measure": False,
        "contract_price_sek": "559.00",
        "lead_time_working_days": 5,
        "list_price_sek": "612.50",
        "hmc_stock_item": False,
    }
    base.update(values)
    assert tuple(base) == ITEM_KEYS
    return base


@pytest.fixture
def document() -> dict:
    return {
        "supplier": "medi",
        "version": 7,
        "published_at": "2025-03-01T08:30:15Z",
        "contract": {"valid_from": "2025-01-01", "valid_to": "2026-12-31"},
        "ordering": {"identifier": "kundordernummer", "delivery": "HMC"},
        "items": [
            _item(name='=HYPERLINK("http://evil.example";"klicka")', gtin=None),
            _item(article_number="0035024462", name="+46 strumpa", colour="Svart", base_colour="svart"),
            _item(
                article_number="0035024463",
                name="-Lårstrumpa",
                position="vänster",
                length=None,
                made_to_measure=True,
                contract_price_sek="1234.50",
            ),
            _item(article_number="0035024464", name="@SUM(A1:A9)", model="Ärm Öga Å", compression_class=3),
            _item(article_number="0035024465", name="\tTabbstrumpa", size="-", contract_price_sek="0.05"),
        ],
    }
