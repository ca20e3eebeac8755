"""Request headers of a sane size, checked before any view or token look-up runs.

gunicorn refuses a header line above 8190 bytes with a plain 400 before the app
sees it; other servers (the development server, the test client) set no limit.
The app refuses the same sizes itself with the JSON error shape (431), and an
Authorization header far longer than any token this service gives out.
"""

from __future__ import annotations

from flask import Flask, jsonify, request
from werkzeug.routing import IntegerConverter

from .errors import error_body

MAX_ID = 2**31 - 1  # PostgreSQL's integer; SQLite cannot even bind a Python int past 2**63
MAX_HEADER_BYTES = 8190  # gunicorn's limit_request_field_size default
MAX_AUTHORIZATION_BYTES = 1024  # a bearer token here is 43 characters; leave room for other schemes
# gunicorn's own limit_request_line default: the README serves with a higher one (8190), so that a longer
# request line reaches the app and gets the JSON error shape rather than gunicorn's HTML page.
MAX_URL_BYTES = 4094


class BoundedInt(IntegerConverter):
    """``<int:…>`` in every route: a number past the database's integer is 404, not an overflow (500).

    Found by schemathesis: /api/v1/pricelists/99999999999999999999 raised OverflowError on SQLite.
    """

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def register(app: Flask) -> None:
    """Before any blueprint is registered: bounded ``int`` routes, and the header check."""
    app.url_map.converters["int"] = BoundedInt
    app.before_request(refuse_oversized_headers)
    app.before_request(refuse_long_urls)


def refuse_long_urls():
    """414 in the JSON error shape for a path and query above MAX_URL_BYTES; None lets the request on."""
    environ = request.environ
    length = len(environ.get("PATH_INFO", "")) + len(environ.get("QUERY_STRING", ""))
    if length <= MAX_URL_BYTES:
        return None
    body = error_body(
        "uri_too_long",
        "Adressen är för lång. Skicka färre eller kortare frågeparametrar.",
        {"max_url_bytes": MAX_URL_BYTES},
    )
    return jsonify(body), 414


def refuse_oversized_headers():
    """431 for an Authorization header over 1 KiB or any header over 8190 bytes; None lets the request on."""
    environ = request.environ
    authorization = environ.get("HTTP_AUTHORIZATION")
    too_long = authorization is not None and len(authorization) > MAX_AUTHORIZATION_BYTES
    if not too_long:
        too_long = any(
            key.startswith("HTTP_") and isinstance(value, str) and len(value) > MAX_HEADER_BYTES
            for key, value in environ.items()
        )
    if not too_long:
        return None
    body = error_body(
        "request_header_fields_too_large",
        "Ett huvud i begäran är för stort. Skicka en giltig token i Authorization: Bearer <token>.",
        {"max_authorization_bytes": MAX_AUTHORIZATION_BYTES, "max_header_bytes": MAX_HEADER_BYTES},
    )
    return jsonify(body), 431
