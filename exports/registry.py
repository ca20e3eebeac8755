"""The format registry: find a feed writer by name (``?format=csv``) or by an HTTP ``Accept`` value."""

from __future__ import annotations

from exports.formats import FeedFormat
from exports.formats.csv_format import CsvFormat
from exports.formats.json_format import JsonFormat
from exports.formats.peppol import PeppolFormat
from exports.formats.xlsx_format import XlsxFormat

# Order is preference: when the client accepts several equally (``*/*``), the first wins.
FORMATS: dict[str, FeedFormat] = {fmt.name: fmt for fmt in (JsonFormat(), CsvFormat(), XlsxFormat(), PeppolFormat())}
DEFAULT_FORMAT = "json"


class UnknownFormat(ValueError):
    """A format name no writer answers to; the message lists the known ones."""

    def __init__(self, name: str):
        self.name = name
        self.known = sorted(FORMATS)
        super().__init__(f"unknown format {name!r}; known formats: {', '.join(self.known)}")


def get_format(name: str) -> FeedFormat:
    """The writer for a format name (case-insensitive); raises UnknownFormat."""
    try:
        return FORMATS[name.strip().lower()]
    except KeyError:
        raise UnknownFormat(name) from None


def _media_range(part: str) -> tuple[str, float] | None:
    """``(type/subtype, q)`` of one Accept entry, lower-cased; None when it cannot be read."""
    media_type, *params = (piece.strip() for piece in part.split(";"))
    if media_type.count("/") != 1:
        return None
    quality = 1.0
    for param in params:
        key, _, value = param.partition("=")
        if key.strip().lower() == "q":
            try:
                quality = float(value.strip())
            except ValueError:
                return None
    return media_type.lower(), min(max(quality, 0.0), 1.0)


def _match(media_type: str, ranges: list[tuple[str, float]]) -> tuple[float, int]:
    """``(q, specificity)`` of the most specific range covering the media type; q 0 when none does."""
    kind = media_type.split("/")[0]
    best = (0.0, -1)
    for media_range, quality in ranges:
        if media_range == media_type:
            specificity = 2
        elif media_range == f"{kind}/*":
            specificity = 1
        elif media_range == "*/*":
            specificity = 0
        else:
            continue
        if specificity > best[1]:
            best = (quality, specificity)
    return best


def format_for_media_type(accept: str | None) -> FeedFormat | None:
    """The format an HTTP Accept value asks for; None when it accepts none of ours.

    No value (or a blank one) means anything goes, so JSON. Higher q wins; at
    equal q the more specific range wins (``text/csv`` over ``*/*``), then the
    order of FORMATS. Media type parameters other than q are ignored, as are
    entries that cannot be read.
    """
    if accept is None or not accept.strip():
        return FORMATS[DEFAULT_FORMAT]
    ranges = [parsed for part in accept.split(",") if (parsed := _media_range(part))]
    browser = any(media_range == "text/html" for media_range, _ in ranges)
    best, best_key = None, (0.0, -1)
    for fmt in FORMATS.values():
        if browser and getattr(fmt, "not_for_browsers", False):
            continue  # browsers list application/xml out of habit (XHTML): a person gets JSON, not a catalogue
        key = _match(fmt.media_type.split(";")[0].strip(), ranges)
        if key[0] > 0 and key > best_key:
            best, best_key = fmt, key
    return best
