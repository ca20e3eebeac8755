"""Writing audit entries; every state-changing operation calls record()."""

from __future__ import annotations

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
