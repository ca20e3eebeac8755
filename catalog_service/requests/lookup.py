"""Is the asked-for article in a supplier's published assortment now, or was it in an earlier version?"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..assortment.models import ITEM_COLUMNS, AssortmentItem, AssortmentVersion
from ..assortment.versions import current_version
from ..feeds.items import as_feed_item
from ..models import utcnow
from ..suppliers import profiles


@dataclass(frozen=True)
class Found:
    """Where an article is (or last was): supplier code, version number and, for the current version, the feed item."""

    supplier: str
    version: int
    item: dict | None = None


def in_current_assortment(session: Session, article_number: str, supplier: str | None) -> Found | None:
    """The article in the current published version of ``supplier`` (or of any supplier, in code order).

    The item is in the feed's shape (the same dict the e-shop's feed holds). Changes nothing.
    """
    for code in _suppliers(supplier):
        version = current_version(session, code)
        if version is None:
            continue
        item = version_item(session, version.id, article_number)
        if item is not None:
            return Found(code, version.number, item)
    return None


def version_item(session: Session, version_id: int, article_number: str) -> dict | None:
    """One article of a published version as a feed item, or None."""
    columns = [getattr(AssortmentItem, column) for column in ITEM_COLUMNS]
    row = session.execute(
        select(*columns)
        .where(AssortmentItem.version_id == version_id, AssortmentItem.article_number == article_number)
        .limit(1)
    ).first()
    return as_feed_item(dict(zip(ITEM_COLUMNS, row, strict=True))) if row is not None else None


def last_published_in(session: Session, article_number: str, supplier: str | None) -> Found | None:
    """The newest version that has taken effect (of ``supplier``, or of any supplier) and held the article, or None.

    Scheduled versions not yet in effect and cancelled ones never were the assortment, so they do not count.
    """
    query = (
        select(AssortmentVersion.supplier, AssortmentVersion.number)
        .join(AssortmentItem, AssortmentItem.version_id == AssortmentVersion.id)
        .where(
            AssortmentItem.article_number == article_number,
            AssortmentVersion.cancelled_at.is_(None),
            AssortmentVersion.effective_from <= utcnow(),
        )
        .order_by(AssortmentVersion.effective_from.desc(), AssortmentVersion.id.desc())
        .limit(1)
    )
    if supplier:
        query = query.where(AssortmentVersion.supplier == supplier)
    row = session.execute(query).first()
    return Found(row.supplier, row.number) if row is not None else None


def _suppliers(supplier: str | None) -> list[str]:
    return [supplier] if supplier else sorted(profiles())
