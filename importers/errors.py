"""The one error type of the service, and the importers' kind of it. No Flask here.

Every refusal anywhere (an import, a domain operation, a privacy finding, an API check) is a
``DomainError`` with a stable ``code``, a Swedish ``message`` and JSON-safe ``details``. It lives
here, in the lowest layer, because ``importers/`` and the privacy guard must stay Flask-free and
still raise the same type the web and CLI edges turn into answers; the HTTP status of each code is
looked up in one table, ``catalog_service.errors.STATUS``.
"""

from __future__ import annotations


class DomainError(Exception):
    """A refused operation: ``code`` (stable, for machines), ``message`` (Swedish), ``details`` (JSON-safe).

    ``retry_after`` (seconds) is set when trying again later may succeed (rate limits).
    """

    def __init__(self, code: str, message: str, details=None, *, retry_after: int | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details
        self.retry_after = retry_after

    def __reduce__(self):  # keeps the error intact across the reader process boundary
        return (_rebuild, (type(self), self.code, self.message, self.details, self.retry_after))

    def as_dict(self) -> dict:
        """The error as the API and ``--json`` show it."""
        return {"code": self.code, "message": self.message, "details": self.details}


def _rebuild(cls, code, message, details, retry_after):
    error = DomainError.__new__(cls)
    DomainError.__init__(error, code, message, details, retry_after=retry_after)
    return error


class ImportFileError(DomainError):
    """A file that cannot be imported at all; nothing is written.

    ``code`` is one of ``unsupported`` (not an xlsx workbook: HTTP 415),
    ``unreadable`` (damaged, too large, dangerous or without a usable header:
    HTTP 422), ``wrong_supplier`` (422) or ``personal_data`` (422). ``details`` is a dict.
    """

    def __init__(self, code: str, message: str, details: dict | None = None):
        super().__init__(code, message, details or {})

    @property
    def kind(self) -> str:
        """The older name of ``code``, kept for callers that still read it."""
        return self.code


def unsupported(message: str, **details) -> ImportFileError:
    return ImportFileError("unsupported", message, details)


def unreadable(message: str, **details) -> ImportFileError:
    return ImportFileError("unreadable", message, details)
