"""Label sheets for made-to-measure lines: batch, date, customer order number. Never a name."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from exports.labels import LabelData, label_sheet_pdf

from ..errors import Conflict, Invalid
from ..pricelists.models import PriceListImport, PriceListRow
from ..privacy.guard import check_structured
from .service import order_lines


def order_labels(session: Session, kundordernummer: str, *, batch_number: str, on: date | None = None) -> bytes:
    """A printable PDF with one label per made-to-measure line of the order.

    Raises NotFound for an unknown order, Conflict when it has no made-to-measure line,
    Invalid for a batch number that is not a batch number.
    """
    if check_structured("batch_number", batch_number or ""):
        raise Invalid("batch_number", "Ange ett batchnummer (bokstäver, siffror och bindestreck, högst 40 tecken).")
    lines = [line for line in order_lines(session, kundordernummer) if line.made_to_measure]
    if not lines:
        raise Conflict("no_made_to_measure", f"Ordern {kundordernummer} har inga måttsydda rader att märka.")
    labels = [
        LabelData(
            batch_number=batch_number,
            label_date=on or date.today(),
            kundordernummer=line.kundordernummer,
            article_number=line.article_number,
            size=_size(session, line.supplier, line.article_number),
        )
        for line in lines
    ]
    return label_sheet_pdf(labels)


def _size(session: Session, supplier: str, article_number: str) -> str | None:
    return session.scalar(
        select(PriceListRow.size)
        .join(PriceListImport, PriceListImport.id == PriceListRow.import_id)
        .where(PriceListImport.supplier == supplier, PriceListRow.article_number == article_number)
        .order_by(PriceListRow.import_id.desc())
        .limit(1)
    )
