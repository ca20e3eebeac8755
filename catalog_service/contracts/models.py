from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, Boolean, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models import UTCDateTime, utcnow


class Contract(db.Model):
    """A loaded contract workbook. Exactly one is active; loading a new one replaces it."""

    __tablename__ = "contracts"

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    loaded_by: Mapped[str] = mapped_column(String(100))

    models: Mapped[list[ProcuredModel]] = relationship(back_populates="contract", cascade="all, delete-orphan")
    base_colours: Mapped[list[BaseColour]] = relationship(back_populates="contract", cascade="all, delete-orphan")


class ProcuredModel(db.Model):
    """One procured model of one supplier, with its contract price and position."""

    __tablename__ = "procured_models"
    __table_args__ = (UniqueConstraint("contract_id", "supplier", "model_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id", ondelete="CASCADE"), index=True)
    supplier: Mapped[str] = mapped_column(String(40))  # supplier code, e.g. "juzo"
    supplier_name: Mapped[str] = mapped_column(String(100))  # as written in the contract
    position: Mapped[str] = mapped_column(String(20))
    model_number: Mapped[str] = mapped_column(String(100))
    model_key: Mapped[str] = mapped_column(String(100))  # trimmed, casefolded
    name: Mapped[str | None] = mapped_column(String(255))
    iso_code: Mapped[str | None] = mapped_column(String(40))
    compression_class: Mapped[int | None] = mapped_column(Integer)
    garment_type: Mapped[str | None] = mapped_column(String(100))
    made_to_measure: Mapped[bool] = mapped_column(Boolean, default=False)
    price_ore: Mapped[int] = mapped_column(BigInteger)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)

    contract: Mapped[Contract] = relationship(back_populates="models")


class BaseColour(db.Model):
    """A supplier's base colour (canonical Swedish name) and the names and codes that mean it."""

    __tablename__ = "base_colours"
    __table_args__ = (UniqueConstraint("contract_id", "supplier", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id", ondelete="CASCADE"), index=True)
    supplier: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(60))
    supplier_names: Mapped[list] = mapped_column(JSON, default=list)

    contract: Mapped[Contract] = relationship(back_populates="base_colours")


class ColourMapping(db.Model):
    """A person's decision about a colour value a supplier's file used: it means a base colour, or it does not.

    Part of what the contract says about the supplier from then on: later imports judge the value the same way.
    """

    __tablename__ = "colour_mappings"
    __table_args__ = (UniqueConstraint("contract_id", "supplier", "value_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id", ondelete="CASCADE"), index=True)
    supplier: Mapped[str] = mapped_column(String(40))
    value: Mapped[str] = mapped_column(String(100))  # as the file wrote it
    value_key: Mapped[str] = mapped_column(String(100))  # trimmed, casefolded (importers.values.colour_key)
    base_colour: Mapped[str | None] = mapped_column(String(60))  # None: not a base colour
    decided_by: Mapped[str] = mapped_column(String(100))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
