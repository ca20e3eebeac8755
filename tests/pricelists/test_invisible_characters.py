"""Invisible format characters and decomposed accents: the value compares, maps and is stored cleaned.

A supplier's colour written with a zero-width space around or inside "Svart" used to lose allowed rows
(and some were not even listed as unknown colours); a contract typed on a Mac may hold decomposed accents.
"""

from __future__ import annotations

from sqlalchemy import select

from catalog_service.extensions import db
from catalog_service.pricelists.models import PriceListRow
from catalog_service.pricelists.service import import_price_list
from tests.factories import workbooks

# The contract writes the model with a word joiner and the base colour with decomposed accents.
MODELS = [workbooks.ContractModel("Medi", 1, "SOL1\u2060-AD")]
COLOURS = [("Medi", "Svart", "Black"), ("Medi", "Hudfa\u0308rg", "Beige")]
ROWS = [
    ["MD1", "", "Sol", "SOL1-AD", 1, "Knästrumpa", "I", "Kort", "\u200bSvart", 371.5],
    ["MD2", "", "Sol", "SOL1-AD", 1, "Knästrumpa", "I", "Kort", "Svart\u200b", 371.5],
    ["MD3", "", "Sol", "SOL1-AD", 1, "Knästrumpa", "I", "Kort", "Sv\u200bart", 371.5],
    ["MD4", "", "Sol", "SOL1\u2060-AD", 1, "Knästrumpa", "I", "Kort", "Svart", 371.5],
    ["MD5", "", "Sol", "SOL1-AD", 1, "Knästrumpa", "I", "Kort", "Hudfärg", 371.5],  # NFC in the list
    ["MD6", "", "Sol", "SOL1-AD", 1, "Knästrumpa", "I", "Kort", "B\u200beige", 371.5],
    ["MD7", "", "Sol", "SOL1-AD", 1, "Knästrumpa", "I", "Kort", "\u200bGrå", 371.5],
]


def test_colours_and_models_differing_only_by_invisible_characters_are_allowed_and_stored_clean(app, tmp_path):
    contract = workbooks.contract(tmp_path, MODELS, COLOURS)
    layout = ["\ufeff" + workbooks.SMALL_LAYOUT[0], *workbooks.SMALL_LAYOUT[1:]]
    path = workbooks.price_list(tmp_path, layout, ROWS)
    with app.app_context():
        from catalog_service.contracts.service import load_contract

        load_contract(db.session, contract, actor="upphandlare1")
        db.session.commit()
        result = import_price_list(db.session, path, "medi", actor="upphandlare1")
        db.session.commit()
        stored = db.session.execute(
            select(PriceListRow.article_number, PriceListRow.model, PriceListRow.colour, PriceListRow.base_colour)
            .where(PriceListRow.import_id == result.import_id)
            .order_by(PriceListRow.row_number)
        ).all()

    assert result.data_rows == 7
    assert result.allowed == 6
    assert result.invalid_by_kind == {}
    assert [u["colour"] for u in result.unknown_colours] == ["Grå"]  # listed, and without the invisible space
    assert [tuple(r) for r in stored] == [
        ("MD1", "SOL1-AD", "Svart", "Svart"),
        ("MD2", "SOL1-AD", "Svart", "Svart"),
        ("MD3", "SOL1-AD", "Svart", "Svart"),
        ("MD4", "SOL1-AD", "Svart", "Svart"),
        ("MD5", "SOL1-AD", "Hudfärg", "Hudfärg"),
        ("MD6", "SOL1-AD", "Beige", "Hudfärg"),
        ("MD7", "SOL1-AD", "Grå", None),
    ]
