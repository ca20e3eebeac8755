"""Files out: feed writers, reports and labels. Knows nothing of Flask or the database."""

from exports.registry import FORMATS, UnknownFormat, format_for_media_type, get_format

__all__ = ["FORMATS", "UnknownFormat", "format_for_media_type", "get_format"]
