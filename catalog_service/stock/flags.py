"""Which articles are stock items at HMC now: what the e-shop feeds flag as ``hmc_stock_item``.

Kept apart from the stock service so that the feeds can ask without importing
the whole stock area (the stock service itself re-renders feeds).
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .models import StockDecision


def current_decisions_query(supplier: str | None = None):
    """A select of every article's current (latest) decision, optionally for one supplier."""
    latest = select(
        StockDecision.supplier, StockDecision.article_number, func.max(StockDecision.number).label("number")
    ).group_by(StockDecision.supplier, StockDecision.article_number)
    if supplier is not None:
        latest = latest.where(StockDecision.supplier == supplier)
    latest = latest.subquery()
    return select(StockDecision).join(
        latest,
        (StockDecision.supplier == latest.c.supplier)
        & (StockDecision.article_number == latest.c.article_number)
        & (StockDecision.number == latest.c.number),
    )


def stock_article_numbers(session: Session, supplier: str) -> frozenset[str]:
    """The supplier's article numbers whose current decision is "stock item"."""
    query = current_decisions_query(supplier).where(StockDecision.stock.is_(True))
    return frozenset(decision.article_number for decision in session.scalars(query))
