from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from ..extensions import db
from ..models import UTCDateTime, utcnow

if TYPE_CHECKING:  # a version's documents: the mapper resolves the class by name, so no import cycle at load
    from ..assortment.models import AssortmentVersion


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


class FeedDocument(db.Model):
    """A version's feed rendered once at publish, in one format, plain and gzipped."""

    __tablename__ = "feed_documents"
    __table_args__ = (UniqueConstraint("version_id", "format"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("assortment_versions.id", ondelete="CASCADE"))
    format: Mapped[str] = mapped_column(String(10))
    media_type: Mapped[str] = mapped_column(String(120))
    etag: Mapped[str] = mapped_column(String(80))  # sha256 of the body
    size: Mapped[int] = mapped_column(Integer)
    # when the body was made: the publish, or a later re-render for HMC's stock flags (Last-Modified)
    rendered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=utcnow)
    body: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    gzip_body: Mapped[bytes] = deferred(mapped_column(LargeBinary))

    version: Mapped[AssortmentVersion] = relationship(back_populates="documents")
