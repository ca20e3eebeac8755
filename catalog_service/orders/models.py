from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..models import UTCDateTime, utcnow


class OrderImport(db.Model):
    """One stored order-line export (a refused file leaves no trace here)."""

    __tablename__ = "order_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_file_id: Mapped[int | None] = mapped_column(ForeignKey("source_files.id"))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    imported_by: Mapped[str] = mapped_column(String(100))
    data_rows: Mapped[int] = mapped_column(Integer, default=0)
    stored: Mapped[int] = mapped_column(Integer, default=0)
    before_contract_start: Mapped[int] = mapped_column(Integer, default=0)
    already_present: Mapped[int] = mapped_column(Integer, default=0)


class OrderLine(db.Model):
    """One order line, known by the WebSesam customer order number only: no names, no free text.

    ``line_key`` identifies the line across re-imports (order number, date,
    supplier, article, quantity, made-to-measure and which repeat of such a
    line it is), so importing the same export again adds nothing, while
    arrival and delivery dates are updated.
    """

    __tablename__ = "order_lines"
    __table_args__ = (
        Index("ix_order_lines_kundordernummer", "kundordernummer"),
        Index("ix_order_lines_order_date", "order_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    line_key: Mapped[str] = mapped_column(String(64), unique=True)
    kundordernummer: Mapped[str] = mapped_column(String(40))
    order_date: Mapped[date] = mapped_column(Date)
    supplier: Mapped[str] = mapped_column(String(40))
    article_number: Mapped[str] = mapped_column(String(100))
    quantity: Mapped[int] = mapped_column(Integer)
    made_to_measure: Mapped[bool] = mapped_column(Boolean, default=False)
    arrived_at_hmc: Mapped[date | None] = mapped_column(Date)
    delivered_at: Mapped[date | None] = mapped_column(Date)
    import_id: Mapped[int | None] = mapped_column(ForeignKey("order_imports.id", ondelete="SET NULL"))
