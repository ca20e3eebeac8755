from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..models import UTCDateTime, utcnow


class FeedFetch(db.Model):
    """Fetches of a feed by one token (an e-shop or a person): which version, which format, what answer.

    One row counts the fetches of one flush interval (see feeds/fetchlog.py):
    ``count`` of them between ``first_at`` and ``at``.
    """

    __tablename__ = "feed_fetches"
    __table_args__ = (Index("ix_feed_fetches_supplier_at", "supplier", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token_id: Mapped[int] = mapped_column(ForeignKey("api_tokens.id"))
    supplier: Mapped[str] = mapped_column(String(40))
    version_number: Mapped[int] = mapped_column(Integer)
    format: Mapped[str] = mapped_column(String(10))
    status: Mapped[int] = mapped_column(Integer)  # 200 or 304
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)  # the last fetch counted here
    first_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    count: Mapped[int] = mapped_column(Integer, default=1)
