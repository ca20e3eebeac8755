"""Items: from a draft's allowed rows (with the contract's terms), or from a published version.

Many rows are read on the session's connection rather than through ``Session.execute``: that skips
the ORM's result handling (about a quarter of reading 20,000 items) and its autoflush, which these
rows do not need (they are written in bulk on that same connection and never wait in the session).
"""

from __future__ import annotations

from operator import itemgetter

from sqlalchemy import case, func, literal, select
from sqlalchemy.orm import Session

from ..config import LeadTimes, lead_times
from ..contracts.models import ProcuredModel
from ..pricelists.models import PriceListImport, PriceListRow
from ..pricelists.verdicts import Verdict
from .models import ITEM_COLUMNS, AssortmentItem, AssortmentVersion


def draft_items(session: Session, draft: PriceListImport) -> list[dict]:
    """The items a draft would publish: its allowed rows with position, price and lead time from the contract."""
    return [dict(zip(ITEM_COLUMNS, row, strict=True)) for row in draft_rows(session, draft)]


def draft_rows(session: Session, draft: PriceListImport) -> list[tuple]:
    """The draft's items as tuples in ITEM_COLUMNS order, sorted by article number (see ``draft_items``)."""
    # Columns, not ORM objects, and the contract's terms chosen in the query: loading 20,000 rows as
    # entities took about 1 s of a publish, as bundles built into dicts about 0.3 s.
    rows = session.connection().execute(
        select(*_draft_columns(lead_times()))
        .join(ProcuredModel, ProcuredModel.id == PriceListRow.procured_model_id)  # the model judge() matched
        .where(PriceListRow.import_id == draft.id, PriceListRow.verdict == Verdict.allowed)
    )
    items = [tuple(row) for row in rows]
    items.sort(key=itemgetter(0))  # article_number, in Python's order (the database's collation may differ)
    return items


def _draft_columns(times: LeadTimes) -> list:
    """An allowed row with its contract model, in ITEM_COLUMNS order: the contract's model number, position,
    ISO code, made-to-measure flag, price and lead time; its garment type unless the row's file gives none."""
    terms = {
        "model": ProcuredModel.model_number,
        "position": ProcuredModel.position,
        "iso_code": ProcuredModel.iso_code,
        "garment_type": case(
            (func.coalesce(ProcuredModel.garment_type, "") == "", PriceListRow.garment_type),
            else_=ProcuredModel.garment_type,
        ),
        "made_to_measure": ProcuredModel.made_to_measure,
        "price_ore": ProcuredModel.price_ore,
        "lead_time_working_days": case(
            (ProcuredModel.made_to_measure, literal(times.made_to_measure)), else_=literal(times.standard)
        ),
        "list_price_ore": PriceListRow.price_ore,
    }
    return [terms[column] if column in terms else getattr(PriceListRow, column) for column in ITEM_COLUMNS]


def version_items(session: Session, version: AssortmentVersion) -> list[dict]:
    """A published version's items, sorted by article number."""
    return [dict(zip(ITEM_COLUMNS, row, strict=True)) for row in version_rows(session, version)]


def version_rows(session: Session, version: AssortmentVersion) -> list[tuple]:
    """A published version's items as tuples in ITEM_COLUMNS order, sorted by article number."""
    columns = [getattr(AssortmentItem, c) for c in ITEM_COLUMNS]
    rows = session.connection().execute(  # the connection: see the module's docstring
        select(*columns).where(AssortmentItem.version_id == version.id).order_by(AssortmentItem.article_number)
    )
    return [tuple(row) for row in rows]  # plain tuples: they are compared with a draft's


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


def diff_rows(old: list[tuple], new: list[tuple]) -> dict:
    """``diff_items`` on item tuples (ITEM_COLUMNS order), without building a dict per item.

    Returns ``added`` and ``removed`` (tuples) and ``changed`` (pairs of old and new tuple), each
    sorted by article number, and ``unchanged`` (a count). Two tuples differ exactly when their
    feed items do: the feed spells each stored value one way (prices as SEK text), and HMC's stock
    flag is today's on both sides. The review page converts only the rows it shows.
    """
    before = {row[0]: row for row in old}
    after = {row[0]: row for row in new}
    common = before.keys() & after.keys()
    changed = [(before[n], after[n]) for n in sorted(common) if before[n] != after[n]]
    return {
        "added": [after[n] for n in sorted(after.keys() - before.keys())],
        "removed": [before[n] for n in sorted(before.keys() - after.keys())],
        "changed": changed,
        "unchanged": len(common) - len(changed),
    }
