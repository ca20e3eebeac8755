"""Reviewing a draft before publishing: the diff, a reconciliation against the contract, layout changes."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from importers.values import normalise_key

from ..contracts.models import Contract, ProcuredModel
from ..feeds.items import as_feed_item, sek_text
from ..pricelists.models import PriceListImport, PriceListRow
from ..pricelists.verdicts import Verdict
from ..privacy.structured import check_structured
from ..stock.flags import stock_article_numbers
from .items import diff_items, draft_items, version_items
from .versions import current_version


def review_draft(session: Session, draft: PriceListImport) -> dict:
    """Everything a procurement officer checks before publishing a draft."""
    published = current_version(session, draft.supplier)
    stock = stock_article_numbers(session, draft.supplier)  # today's flags on both sides: not a change
    old = [as_feed_item(i, stock) for i in version_items(session, published)] if published else []
    new = [as_feed_item(i, stock) for i in draft_items(session, draft)]
    return {
        "import_id": draft.id,
        "supplier": draft.supplier,
        "status": draft.status.value,
        "uploaded_by": draft.created_by,
        "against_version": published.number if published else None,
        "diff": diff_items(old, new),
        "reconciliation": reconciliation(session, draft),
        "layout_warnings": layout_warnings(session, draft),
        "invalid_gtins": invalid_gtins(session, draft),
    }


def reconciliation(session: Session, draft: PriceListImport) -> dict:
    """Contract models without allowed items, base colours missing per model, prices above contract."""
    contract = session.get(Contract, draft.contract_id)
    procured = {m.model_key: m for m in contract.models if m.supplier == draft.supplier}
    colours = [b.name for b in contract.base_colours if b.supplier == draft.supplier]
    verdicts, bases = _row_counts(session, draft.id)
    missing_models, missing_colours = [], []
    for key, model in sorted(procured.items()):
        counts = verdicts.get(key, {})
        if not counts.get(Verdict.allowed.value):
            missing_models.append(
                {
                    "model": model.model_number,
                    "position": model.position,
                    "reason": _why_missing(counts),
                    "rows": dict(counts),
                }
            )
        elif lacking := [c for c in colours if c not in bases.get(key, set())]:
            missing_colours.append({"model": model.model_number, "missing_base_colours": lacking})
    return {
        "models_without_allowed_items": missing_models,
        "base_colours_missing": missing_colours,
        "priced_above_contract": _priced_above(session, draft),
        "unknown_colours": list(draft.unknown_colours),
    }


def _row_counts(session: Session, import_id: int):
    rows = session.execute(
        select(PriceListRow.model, PriceListRow.verdict, PriceListRow.base_colour, func.count())
        .where(PriceListRow.import_id == import_id, PriceListRow.verdict != Verdict.not_procured)
        .group_by(PriceListRow.model, PriceListRow.verdict, PriceListRow.base_colour)
    ).all()
    verdicts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    bases: dict[str, set[str]] = defaultdict(set)
    for model, verdict, base, count in rows:
        key = normalise_key(model)
        verdicts[key][verdict.value] += count
        if base:
            bases[key].add(base)
    return verdicts, bases


def _why_missing(counts: dict[str, int]) -> str:
    if not counts:
        return "missing"  # the model does not occur in the file
    if set(counts) == {Verdict.non_base_colour.value}:
        return "only_non_base_colours"
    return "no_usable_rows"


def _priced_above(session: Session, draft: PriceListImport) -> list[dict]:
    rows = session.execute(
        select(
            PriceListRow.sheet,
            PriceListRow.row_number,
            PriceListRow.article_number,
            PriceListRow.model,
            PriceListRow.price_ore,
            ProcuredModel.price_ore.label("contract_price"),
        )
        .join(ProcuredModel, ProcuredModel.id == PriceListRow.procured_model_id)  # the model judge() matched
        .where(PriceListRow.import_id == draft.id, PriceListRow.verdict == Verdict.allowed)
        .order_by(PriceListRow.id)
    ).all()
    above = []
    for row in rows:
        contract_price = row.contract_price
        if row.price_ore is not None and row.price_ore > contract_price:
            above.append(
                {
                    "sheet": row.sheet,
                    "row": row.row_number,
                    "article_number": row.article_number,
                    "model": row.model,
                    "price_sek": sek_text(row.price_ore),
                    "contract_price_sek": sek_text(contract_price),
                }
            )
    return above


def invalid_gtins(session: Session, draft: PriceListImport) -> list[dict]:
    """Rows whose GTIN has a wrong GS1 check digit or is not 8, 12, 13 or 14 digits ("GTIN med fel kontrollsiffra").

    Only a notice: the row's verdict stands, since the article number, not the GTIN, identifies an item.
    Rows of unprocured models keep no GTIN (see PriceListRow), so they are not listed.
    """
    rows = session.execute(
        select(PriceListRow.sheet, PriceListRow.row_number, PriceListRow.article_number, PriceListRow.gtin)
        .where(PriceListRow.import_id == draft.id, PriceListRow.gtin.is_not(None))
        .order_by(PriceListRow.id)
    ).all()
    found = []
    for row in rows:
        kind = check_structured("gtin", row.gtin)
        if kind is not None:
            found.append(
                {
                    "sheet": row.sheet,
                    "row": row.row_number,
                    "article_number": row.article_number,
                    "gtin": row.gtin,
                    "reason": "check_digit" if kind == "invalid_gtin_check_digit" else "length",
                }
            )
    return found


def layout_warnings(session: Session, draft: PriceListImport) -> list[str]:
    """Differences in sheet names and header sets from the supplier's previous import."""
    previous = session.scalar(
        select(PriceListImport)
        .where(PriceListImport.supplier == draft.supplier, PriceListImport.id < draft.id)
        .order_by(PriceListImport.id.desc())
        .limit(1)
    )
    if previous is None:
        return []
    before = {s["sheet"]: set(s["columns"].values()) for s in previous.layout}
    after = {s["sheet"]: set(s["columns"].values()) for s in draft.layout}
    warnings = []
    if set(before) != set(after):
        warnings.append(f"Flikarna har ändrats: förut {', '.join(before)}; nu {', '.join(after)}.")
    for sheet in sorted(set(before) & set(after)):
        added, gone = sorted(after[sheet] - before[sheet]), sorted(before[sheet] - after[sheet])
        if added or gone:
            warnings.append(
                f"Rubrikerna på fliken {sheet!r} har ändrats: nya {', '.join(added) or '–'}; "
                f"borta {', '.join(gone) or '–'}."
            )
    return warnings
