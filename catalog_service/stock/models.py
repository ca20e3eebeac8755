from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..models import UTCDateTime, utcnow

RATIONALE_MAX_LENGTH = 500


class StockDecision(db.Model):
    """HMC's decision whether one article is a stock item: one row per decision, never changed.

    An article's decisions are numbered 1, 2, 3 …; the current decision is the
    one with the highest number. The unique number makes two people deciding
    about the same article at the same moment take turns: the second one gets
    a conflict instead of both becoming "current".
    """

    __tablename__ = "stock_decisions"
    __table_args__ = (
        UniqueConstraint("supplier", "article_number", "number", name="uq_stock_decisions_article_number"),
        Index("ix_stock_decisions_supplier_article", "supplier", "article_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    supplier: Mapped[str] = mapped_column(String(40))
    article_number: Mapped[str] = mapped_column(String(100))
    number: Mapped[int] = mapped_column(Integer)
    stock: Mapped[bool] = mapped_column(Boolean)
    rationale: Mapped[str] = mapped_column(String(RATIONALE_MAX_LENGTH))
    decided_by: Mapped[str] = mapped_column(String(100))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
