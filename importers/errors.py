"""Errors the importers raise. Each carries a kind that maps to an HTTP status."""

from __future__ import annotations


class ImportFileError(Exception):
    """A file that cannot be imported at all; nothing is written.

    ``kind`` is one of ``unsupported`` (not an xlsx workbook: HTTP 415),
    ``unreadable`` (damaged, too large, dangerous or without a usable header:
    HTTP 422) or ``wrong_supplier`` (422). ``details`` is JSON-safe.
    """

    def __init__(self, kind: str, message: str, details: dict | None = None):
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.details = details or {}

    def __reduce__(self):  # keeps the error intact across the reader process boundary
        return (type(self), (self.kind, self.message, self.details))


def unsupported(message: str, **details) -> ImportFileError:
    return ImportFileError("unsupported", message, details)


def unreadable(message: str, **details) -> ImportFileError:
    return ImportFileError("unreadable", message, details)
