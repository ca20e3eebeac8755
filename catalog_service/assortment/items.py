"""Items: from a draft's allowed rows (with the contract's terms), or from a published version."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Bundle, Session

from ..config import LeadTimes, lead_times
from ..contracts.models import ProcuredModel
from ..pricelists.models import PriceListImport, PriceListRow
from ..pricelists.verdicts import Verdict
from .models import ITEM_COLUMNS, AssortmentItem, AssortmentVersion


def draft_items(session: Session, draft: PriceListImport) -> list[dict]:
    """The items a draft would publish: its allowed rows with position, price and lead time from the contract."""
    times = lead_times()
    # Bundles of columns, not ORM objects: loading 20,000 rows as entities took about 1 s of a publish.
    rows = session.execute(
        select(_ROW, _PROCURED)
        .join(ProcuredModel, ProcuredModel.id == PriceListRow.procured_model_id)  # the model judge() matched
        .where(PriceListRow.import_id == draft.id, PriceListRow.verdict == Verdict.allowed)
    ).all()
    items = [_item(row, procured, times) for row, procured in rows]
    return sorted(items, key=lambda item: item["article_number"])


_ROW = Bundle(
    "row",
    *(
        getattr(PriceListRow, name)
        for name in (
            "article_number",
            "gtin",
            "name",
            "compression_class",
            "garment_type",
            "size",
            "length",
            "colour",
            "base_colour",
            "price_ore",
        )
    ),
)
_PROCURED = Bundle(
    "procured",
    *(
        getattr(ProcuredModel, name)
        for name in ("model_number", "position", "iso_code", "garment_type", "made_to_measure", "price_ore")
    ),
)


def _item(row, procured, times: LeadTimes) -> dict:
    return {
        "article_number": row.article_number,
        "gtin": row.gtin,
        "model": procured.model_number,
        "name": row.name,
        "position": procured.position,
        "iso_code": procured.iso_code,
        "compression_class": row.compression_class,
        "garment_type": procured.garment_type or row.garment_type,
        "size": row.size,
        "length": row.length,
        "colour": row.colour,
        "base_colour": row.base_colour,
        "made_to_measure": procured.made_to_measure,
        "price_ore": procured.price_ore,
        "lead_time_working_days": times.for_article(procured.made_to_measure),
        "list_price_ore": row.price_ore,
    }


def version_items(session: Session, version: AssortmentVersion) -> list[dict]:
    """A published version's items, sorted by article number."""
    columns = [getattr(AssortmentItem, c) for c in ITEM_COLUMNS]
    rows = session.execute(
        select(*columns).where(AssortmentItem.version_id == version.id).order_by(AssortmentItem.article_number)
    ).all()
    return [dict(zip(ITEM_COLUMNS, row, strict=True)) for row in rows]


def diff_items(old: list[dict], new: list[dict]) -> dict:
    """Added, removed and changed items (by article number), and how many are unchanged.

    A change lists each differing field with its old and new value.
    """
    before = {item["article_number"]: item for item in old}
    after = {item["article_number"]: item for item in new}
    changed = []
    for number in sorted(before.keys() & after.keys()):
        fields = {
            key: {"old": before[number][key], "new": after[number][key]}
            for key in before[number]
            if before[number][key] != after[number].get(key)
        }
        if fields:
            changed.append({"article_number": number, "fields": fields})
    return {
        "added": [after[n] for n in sorted(after.keys() - before.keys())],
        "removed": [before[n] for n in sorted(before.keys() - after.keys())],
        "changed": changed,
        "unchanged": len(before.keys() & after.keys()) - len(changed),
    }
