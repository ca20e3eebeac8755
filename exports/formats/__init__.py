"""One writer per file format, tablib style: a tiny class with a name, extensions, media type and ``write``.

Each writer turns a feed document (see :mod:`exports.feed`) into the bytes of a
file. :mod:`exports.registry` finds them by name or by an HTTP ``Accept`` value.
"""

from __future__ import annotations

from typing import Protocol


class FeedFormat(Protocol):
    """What the registry needs of a format."""

    name: str
    extensions: tuple[str, ...]
    media_type: str

    def write(self, document: dict) -> bytes:
        """The document as the bytes of one file in this format."""
        ...
