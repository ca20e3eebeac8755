"""Uploaded source files: hashed, stored once per content, named safely.

Price lists, contracts and order exports are kept byte for byte so that what
the service decided can be traced to the exact file that produced it. The
table is shared by those areas, so it lives here rather than in any one of them.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from pathlib import Path

from sqlalchemy import Integer, LargeBinary, String, select
from sqlalchemy.orm import Mapped, Session, deferred, mapped_column

from .extensions import db
from .models import UTCDateTime, utcnow
from .privacy.guard import find_personal_data


class SourceFile(db.Model):
    """An uploaded file, kept byte for byte so every version traces back to it."""

    __tablename__ = "source_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    filename: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def sha256_of(path: Path) -> str:
    """The file's SHA-256, read in blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def store_source_file(session: Session, path: Path, digest: str, filename: str | None, *, fallback: str):
    """The stored file with this content, adding it (under a safe display name) when new. Flushes."""
    source = session.scalar(select(SourceFile).where(SourceFile.sha256 == digest))
    if source is None:
        content = path.read_bytes()
        source = SourceFile(
            sha256=digest,
            filename=safe_name(filename or path.name, fallback=fallback),
            size=len(content),
            content=content,
        )
        session.add(source)
        session.flush()
    return source


def safe_name(name: str, *, fallback: str) -> str:
    """A file name for display only; ``fallback`` (a generated name) for any name that tries something.

    Folders are dropped (a browser may send ``C:\\Users\\…\\lista.xlsx``); a name that
    still holds a control character (NUL …), a bidirectional override (U+202E makes
    the rest of a name read backwards: ``.exe`` can pose as ``.xlsx``), only dots,
    or personal data is replaced whole rather than repaired: nothing of it is kept.
    """
    base = name.replace("\\", "/").rsplit("/", 1)[-1].lstrip(" .")  # no hidden or dot-dot names either
    tampered = any(not c.isprintable() or c in BIDI_CONTROLS for c in base)
    if tampered or not base.strip() or find_personal_data(base):
        return fallback
    return base[:200]
