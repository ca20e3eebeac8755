"""Writing audit entries; every state-changing operation calls record()."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .models import AuditEntry


def record(session: Session, *, actor: str, action: str, object_type: str, object_id=None, **details) -> AuditEntry:
    """Add an audit entry to the session (flushed with the change it describes).

    ``details`` must be JSON-safe and must not hold personal data: counts,
    identifiers, file hashes.
    """
    entry = AuditEntry(
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        details=details,
    )
    session.add(entry)
    session.flush()
    return entry


def list_entries(session: Session, *, action: str | None = None, actor: str | None = None, limit: int = 100):
    """The newest audit entries first, optionally filtered by action (prefix) or actor."""
    from sqlalchemy import select

    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if action:
        query = query.where(AuditEntry.action.startswith(action))
    if actor:
        query = query.where(AuditEntry.actor == actor)
    return list(session.scalars(query))


def find_entries(
    session: Session,
    *,
    actor: str | None = None,
    action: str | None = None,
    object_type: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    page: int = 1,
    per_page: int = 50,
) -> dict:
    """One page of audit entries, newest first, and how many match in all.

    ``actor`` and ``object_type`` match exactly, ``action`` as a prefix (``assortment`` finds
    ``assortment.publish``); ``date_from`` and ``date_to`` are Swedish calendar days, both included.
    Returns ``{"entries": [...], "total": N}``. Reads only.
    """
    conditions = []
    if actor:
        conditions.append(AuditEntry.actor == actor)
    if action:
        conditions.append(AuditEntry.action.startswith(action, autoescape=True))
    if object_type:
        conditions.append(AuditEntry.object_type == object_type)
    if date_from:
        conditions.append(AuditEntry.at >= _swedish_midnight(date_from))
    if date_to:
        conditions.append(AuditEntry.at < _swedish_midnight(date_to + timedelta(days=1)))
    total = session.scalar(select(func.count()).select_from(AuditEntry).where(*conditions))
    entries = session.scalars(
        select(AuditEntry)
        .where(*conditions)
        .order_by(AuditEntry.id.desc())
        .offset((max(page, 1) - 1) * per_page)
        .limit(per_page)
    )
    return {"entries": list(entries), "total": total}


def audit_facets(session: Session) -> dict[str, list[str]]:
    """The actors, actions and object types that occur in the log, sorted: the choices of a filter form."""
    return {
        name: list(session.scalars(select(column).distinct().order_by(column)))
        for name, column in (
            ("actors", AuditEntry.actor),
            ("actions", AuditEntry.action),
            ("object_types", AuditEntry.object_type),
        )
    }


def _swedish_midnight(day: date) -> datetime:
    """The start of a calendar day in Sweden, as an aware timestamp (entries are stored in UTC)."""
    return datetime.combine(day, time.min, tzinfo=ZoneInfo("Europe/Stockholm"))
