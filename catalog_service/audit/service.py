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
