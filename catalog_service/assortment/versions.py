"""Finding published versions: read-only queries that feeds, orders, stock and requests share.

Kept apart from service.py (publishing), which renders feeds: feeds read versions
through this module, so neither package needs a function-local import of the other.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import NotFound
from .models import AssortmentVersion


def current_version(session: Session, supplier: str) -> AssortmentVersion | None:
    """The supplier's latest published version, or None."""
    return session.scalar(
        select(AssortmentVersion)
        .where(AssortmentVersion.supplier == supplier)
        .order_by(AssortmentVersion.number.desc())
        .limit(1)
    )


def get_version(session: Session, supplier: str, number: int) -> AssortmentVersion:
    """One version. Raises NotFound."""
    version = session.scalar(
        select(AssortmentVersion).where(AssortmentVersion.supplier == supplier, AssortmentVersion.number == number)
    )
    if version is None:
        raise NotFound("version_not_found", f"Version {number} av {supplier} finns inte.")
    return version
