"""Reorder drafts: which lines of an earlier order can be ordered again in the e-shops, and which cannot."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..assortment.models import AssortmentItem
from ..assortment.versions import current_version
from ..feeds.items import sek_text
from ..pricelists.models import ImportStatus, PriceListImport, PriceListRow
from ..suppliers import profiles
from .service import order_lines

OUT_OF_ASSORTMENT = {
    "path": "konsultation",
    "description": "Utanför sortimentet: registrera en konsultation (arbetsorder) hos HMC med kundordernumret. "
    "HMC kan föreslå ett alternativ i sortimentet eller beställa via arbetsorder.",
}
REASONS = {
    "no_published_assortment": "Leverantören har inget publicerat sortiment.",
    "not_procured": "Modellen är inte upphandlad.",
    "non_base_colour": "Färgen är inte en av avtalets basfärger.",
    "outside_validity": "Artikeln gäller inte under avtalsperioden.",
    "invalid_row": "Artikeln är felaktig i leverantörens prislista.",
    "not_in_price_list": "Artikeln finns inte i leverantörens prislista (kan inte längre beställas).",
}


def reorder_draft(session: Session, kundordernummer: str) -> dict:
    """The order's lines split into those still in the published assortment and those that are not.

    Changes nothing. Raises NotFound for an unknown customer order number.
    """
    allowed, not_allowed = [], []
    for line in order_lines(session, kundordernummer):
        item = _current_item(session, line.supplier, line.article_number)
        base = {
            "supplier": line.supplier,
            "article_number": line.article_number,
            "quantity": line.quantity,
            "made_to_measure": line.made_to_measure,
        }
        if item is not None:
            allowed.append(
                {
                    **base,
                    "eshop": profiles()[line.supplier].name,
                    "contract_price_sek": sek_text(item.price_ore),
                    "lead_time_working_days": item.lead_time_working_days,
                }
            )
        else:
            reason = _why_not(session, line.supplier, line.article_number)
            not_allowed.append(
                {**base, "reason": reason, "message": REASONS[reason], "out_of_assortment": OUT_OF_ASSORTMENT}
            )
    return {"kundordernummer": kundordernummer, "allowed": allowed, "not_allowed": not_allowed}


def _current_item(session: Session, supplier: str, article_number: str) -> AssortmentItem | None:
    version = current_version(session, supplier)
    if version is None:
        return None
    return session.scalar(
        select(AssortmentItem).where(
            AssortmentItem.version_id == version.id, AssortmentItem.article_number == article_number
        )
    )


def _why_not(session: Session, supplier: str, article_number: str) -> str:
    version = current_version(session, supplier)
    if version is None:
        return "no_published_assortment"
    latest = version.import_id or session.scalar(
        select(PriceListImport.id)
        .where(PriceListImport.supplier == supplier, PriceListImport.status != ImportStatus.superseded)
        .order_by(PriceListImport.id.desc())
        .limit(1)
    )
    verdict = (
        session.scalar(
            select(PriceListRow.verdict)
            .where(PriceListRow.import_id == latest, PriceListRow.article_number == article_number)
            .limit(1)
        )
        if latest
        else None
    )
    return verdict.value if verdict is not None and verdict.value in REASONS else "not_in_price_list"
