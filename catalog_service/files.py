"""Uploaded source files: hashed, stored once per content, named safely.

Price lists, contracts and order exports are kept byte for byte so that what
the service decided can be traced to the exact file that produced it.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from .pricelists.models import SourceFile
from .privacy.guard import find_personal_data

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
    """A file name for display only: no folders, control or bidi characters, no personal data."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(c for c in base if c.isprintable() and c not in BIDI_CONTROLS)
    if not cleaned.strip() or find_personal_data(cleaned):
        return fallback
    return cleaned[:200]
