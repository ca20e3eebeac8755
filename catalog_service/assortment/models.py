from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    BigInteger,
    Boolean,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, object_session, relationship

from exports.feed import ITEM_KEYS

from ..extensions import db
from ..models import UTCDateTime, utcnow

if TYPE_CHECKING:  # the feed's documents belong to feeds/; the mapper finds them by name
    from ..feeds.models import FeedDocument


class VersionKind(enum.StrEnum):
    publish = "publish"  # a reviewed draft
    rollback = "rollback"  # an earlier version's content, published again


class VersionCounter(db.Model):
    """The last version number handed out per supplier.

    Publishing increments it with one UPDATE as its first statement: the row
    lock (PostgreSQL) or write lock (SQLite) makes concurrent publishes take
    turns, and a rolled-back publish gives its number back, so numbers have no gaps.
    """

    __tablename__ = "version_counters"

    supplier: Mapped[str] = mapped_column(String(40), primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer, default=0)


class VersionState(enum.StrEnum):
    """Where a version stands at a moment (``versions.version_state``); derived from the clock, never stored."""

    scheduled = "scheduled"  # takes effect later
    in_effect = "in_effect"  # what the feed serves now
    superseded = "superseded"  # took effect, and a later one has since
    cancelled = "cancelled"  # withdrawn before it took effect


class AssortmentVersion(db.Model):
    """One published, immutable snapshot of a supplier's allowed items, in effect from ``effective_from``."""

    __tablename__ = "assortment_versions"
    __table_args__ = (
        UniqueConstraint("supplier", "number"),
        Index("ix_assortment_versions_supplier_effective", "supplier", "effective_from"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    supplier: Mapped[str] = mapped_column(String(40))
    number: Mapped[int] = mapped_column(Integer)
    kind: Mapped[VersionKind] = mapped_column(Enum(VersionKind, native_enum=False, length=20))
    import_id: Mapped[int | None] = mapped_column(ForeignKey("pricelist_imports.id"))
    source_version_id: Mapped[int | None] = mapped_column(ForeignKey("assortment_versions.id"))
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id"))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_by: Mapped[str] = mapped_column(String(100))
    item_count: Mapped[int] = mapped_column(Integer, default=0)
    reason: Mapped[str | None] = mapped_column(String(500))
    # When the version takes effect (UTC): its published_at for a publish that takes effect at once, a later
    # moment for a scheduled one. The feed chooses by the clock at request time (versions.version_in_effect).
    effective_from: Mapped[datetime] = mapped_column(UTCDateTime)
    # A scheduled version withdrawn before it took effect: it never takes effect, its number stays used.
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_by: Mapped[str | None] = mapped_column(String(100))
    cancel_reason: Mapped[str | None] = mapped_column(String(500))

    documents: Mapped[list[FeedDocument]] = relationship(back_populates="version", cascade="all, delete-orphan")

    @property
    def state(self) -> VersionState:
        """Where the version stands by the clock now (scheduled, in effect, superseded, cancelled)."""
        from .versions import version_state  # versions.py queries this model

        return version_state(object_session(self), self)

    @property
    def successor(self) -> AssortmentVersion | None:
        """The version that takes over from this one (scheduled or already in effect), or None.

        For a publish-now or a rollback made while a schedule is pending, this is the pending
        schedule: it still takes effect at its time.
        """
        from .versions import successor_of

        return successor_of(object_session(self), self)


class AssortmentItem(db.Model):
    """One allowed article in one version, with the contract's terms for it."""

    __tablename__ = "assortment_items"
    __table_args__ = (Index("ix_assortment_items_version_article", "version_id", "article_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("assortment_versions.id", ondelete="CASCADE"))
    article_number: Mapped[str] = mapped_column(String())
    gtin: Mapped[str | None] = mapped_column(String())
    model: Mapped[str] = mapped_column(String())
    name: Mapped[str | None] = mapped_column(String())
    position: Mapped[str] = mapped_column(String(20))
    iso_code: Mapped[str | None] = mapped_column(String(40))
    compression_class: Mapped[int | None] = mapped_column(Integer)
    garment_type: Mapped[str | None] = mapped_column(String())
    size: Mapped[str | None] = mapped_column(String())
    length: Mapped[str | None] = mapped_column(String())
    colour: Mapped[str | None] = mapped_column(String())
    base_colour: Mapped[str] = mapped_column(String(60))
    made_to_measure: Mapped[bool] = mapped_column(Boolean, default=False)
    price_ore: Mapped[int] = mapped_column(BigInteger)  # the contract price
    lead_time_working_days: Mapped[int] = mapped_column(Integer)
    list_price_ore: Mapped[int | None] = mapped_column(BigInteger)  # the supplier's price-list price


# Feed keys that are not stored with a version: HMC's stock flag is its current decision (catalog_service/stock).
NOT_STORED_KEYS = frozenset({"hmc_stock_item"})

# The item columns, in the feed's key order: the feed's price texts are stored as öre.
ITEM_COLUMNS = tuple(
    {"contract_price_sek": "price_ore", "list_price_sek": "list_price_ore"}.get(key, key)
    for key in ITEM_KEYS
    if key not in NOT_STORED_KEYS
)
