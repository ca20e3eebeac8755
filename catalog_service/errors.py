"""Domain errors and the one JSON error shape of the API.

Every refusal is a ``DomainError`` (defined Flask-free in ``importers.errors``) with a code, a Swedish
message and JSON-safe details; its HTTP status comes from the one table ``STATUS`` here. Views never
build error responses themselves.
"""

from __future__ import annotations

import logging
import sqlite3

import psycopg
from flask import Flask, jsonify, render_template, request
from marshmallow import Schema, fields
from sqlalchemy import exc as sa_exc
from werkzeug.exceptions import HTTPException

from importers.errors import DomainError, ImportFileError

__all__ = [
    "STATUS",
    "Conflict",
    "DomainError",
    "Forbidden",
    "ImportFileError",
    "Invalid",
    "NotFound",
    "Unauthorized",
    "status_of",
]

# The one table from an error's code to its HTTP status. A code not listed is 422: the input could not be
# processed. An error about one field of the input (details name a "field") is always 422, whatever its
# code: "unknown_supplier" in a path is 404 (nothing there), the same code for a form or JSON field is 422.
STATUS = {
    # 400: the request itself is malformed
    "token_in_query": 400,
    "unknown_format": 400,
    # 401: who is calling is unknown
    "invalid_token": 401,
    "missing_token": 401,
    # 403: the caller is known but may not do this
    "forbidden": 403,
    "csrf": 403,
    "oidc_no_role": 403,  # the identity provider vouched for a person we do not let in (auth/oidc.py)
    "oidc_disabled": 403,
    "oidc_subject": 403,
    "oidc_username": 403,
    "oidc_name_taken": 403,
    # 404: nothing there
    "unknown_supplier": 404,
    "feed_not_found": 404,
    "no_published_version": 404,
    "import_not_found": 404,
    "job_not_found": 404,
    "version_not_found": 404,
    "order_not_found": 404,
    "request_not_found": 404,
    "work_order_not_found": 404,
    "user_not_found": 404,
    "token_not_found": 404,
    "no_schedule": 404,
    "no_scheduled_version": 404,
    "webhook_not_found": 404,
    "delivery_not_found": 404,
    # 406: no representation the caller accepts
    "not_acceptable": 406,
    # 409: the current state does not allow it
    "import_in_progress": 409,
    "not_in_contract": 409,
    "no_contract": 409,
    "not_a_draft": 409,
    "no_draft": 409,
    "four_eyes": 409,
    "removal_guard": 409,
    "stale_draft": 409,
    "stale_version": 409,
    "illegal_transition": 409,
    "work_order_open": 409,
    "decided_meanwhile": 409,
    "no_made_to_measure": 409,
    "user_exists": 409,
    "user_unchanged": 409,
    "token_revoked": 409,
    "schedule_not_later": 409,
    "several_schedules": 409,
    "already_cancelled": 409,
    "already_in_effect": 409,
    "never_in_effect": 409,
    "delivery_sending": 409,
    # 413: too large for what was asked (a dry run over HTTP judges small files only)
    "dry_run_too_large": 413,
    # 415: not a workbook at all
    "unsupported": 415,
    # 429: too many requests; Retry-After says when to try again
    "too_many_requests": 429,
}
DEFAULT_STATUS = 422


def status_of(error: DomainError) -> int:
    """The HTTP status of a domain error, from STATUS (see there for the one rule besides the table)."""
    if isinstance(error.details, dict) and "field" in error.details:
        return DEFAULT_STATUS
    return STATUS.get(error.code, DEFAULT_STATUS)


# Kinds of refusal, so a reader sees at the raise what is refused and a caller may catch one kind. They add
# nothing to DomainError: the status comes from the code through STATUS, and a test checks that every code
# raised as NotFound is 404 there, as Conflict 409, and so on.
class NotFound(DomainError):
    """Nothing there (404)."""


class Unauthorized(DomainError):
    """Who is calling is unknown (401)."""


class Forbidden(DomainError):
    """The caller is known but their roles do not allow this (403)."""


class Conflict(DomainError):
    """The current state does not allow this (409)."""


class Invalid(DomainError):
    """The input cannot be processed (422)."""


log = logging.getLogger(__name__)

# A database that cannot be reached, dropped the connection, is locked by another writer or ran out of
# pool connections: the request may succeed a moment later, so 503 with Retry-After, never a 500.
# The bulk writers use the driver directly, so its own error classes are listed beside SQLAlchemy's.
DATABASE_UNAVAILABLE = (
    sa_exc.OperationalError,
    sa_exc.InterfaceError,
    sa_exc.TimeoutError,
    sa_exc.DisconnectionError,
    psycopg.OperationalError,
    psycopg.InterfaceError,
    sqlite3.OperationalError,
)
RETRY_AFTER_SECONDS = 5


class ErrorSchema(Schema):
    code = fields.String(required=True, metadata={"description": "a stable code, e.g. import_in_progress"})
    message = fields.String(required=True, metadata={"description": "what went wrong and what to do, in Swedish"})
    details = fields.Raw(allow_none=True, metadata={"description": "JSON details: where, limits, counts; or null"})


class ErrorResponseSchema(Schema):
    """The one error shape of the API, as the OpenAPI document describes every error response."""

    error = fields.Nested(ErrorSchema, required=True)


def error_body(code: str, message: str, details=None) -> dict:
    return {"error": {"code": code, "message": message, "details": details}}


def register(app: Flask) -> None:
    """Map domain errors and HTTP errors to the JSON error shape."""

    @app.errorhandler(DomainError)
    def _domain(error: DomainError):
        status = status_of(error)
        retry = [("Retry-After", str(error.retry_after))] if error.retry_after else []
        if _is_page():
            return _page(status, error.message, headers=retry)
        response = jsonify({"error": error.as_dict()})
        response.headers.extend(retry)
        if status == 401:
            challenge = 'Bearer realm="catalog"'
            if error.code == "invalid_token":
                challenge += ', error="invalid_token"'
            response.headers["WWW-Authenticate"] = challenge
        return response, status

    for error_class in DATABASE_UNAVAILABLE:
        app.register_error_handler(error_class, _database_unavailable)

    app.register_error_handler(HTTPException, lambda error: _http_error(app, error))


def _http_error(app: Flask, error: HTTPException):
    # flask-smorest's abort puts the schema's messages on the exception's ``data``; other HTTP errors have none
    data = error.__dict__.get("data") or {}
    details = data.get("messages")
    code = (error.name or "error").lower().replace(" ", "_")
    message = _swedish(error)
    if error.code == 413:
        message, details = _too_large(app)
    headers = error.get_headers()
    if _is_page():
        return _page(error.code, message, headers=headers)
    response = jsonify(error_body(code, message, details))
    for name, value in headers:  # Allow on 405, WWW-Authenticate, Retry-After …
        if name.lower() != "content-type":
            response.headers[name] = value
    return response, error.code


def _database_unavailable(error: Exception):
    """503: the transaction is rolled back, so nothing of the request was written."""
    from .extensions import db

    try:
        db.session.rollback()
    except Exception:  # the connection is gone: there is nothing to roll back on it
        log.debug("rollback after a database error failed", exc_info=True)
    # The class only: a driver's message can quote the statement's parameters, which may be anyone's text.
    log.warning("database unavailable: %s", type(error).__name__)
    body = error_body("database_unavailable", "Databasen är inte tillgänglig just nu. Försök igen om en stund.")
    response = jsonify(body)
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response, 503


def _is_page() -> bool:
    """People's pages get an HTML error page; the API, the feeds and scripts get JSON."""
    return not request.path.startswith(("/api/", "/healthz", "/readyz"))


def _page(status: int, message: str, headers=None):
    from flask import make_response

    response = make_response(render_template("error.html", status=status, message=message), status)
    for name, value in headers or ():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


def _swedish(error: HTTPException) -> str:
    from flask_wtf.csrf import CSRFError

    if isinstance(error, CSRFError):
        return "Formulärets säkerhetstoken saknas eller har gått ut. Ladda om sidan och försök igen."
    messages = {
        400: "Felaktig begäran.",
        401: "Inloggning krävs.",
        403: "Du saknar behörighet till den här sidan. Be en administratör om rätt roll.",
        404: "Finns inte.",
        405: "Metoden är inte tillåten.",
        429: "För många försök. Vänta en stund och försök igen.",
        409: "Konflikt med nuvarande läge.",
        413: "Filen är för stor.",
        415: "Filformatet stöds inte.",
        422: "Uppgifterna kunde inte behandlas.",
        431: "Ett huvud i begäran är för stort.",
        503: "Tjänsten är inte tillgänglig just nu. Försök igen om en stund.",
    }
    return messages.get(error.code, error.description or "Fel.")


def _too_large(app: Flask) -> tuple[str, dict | None]:
    """The 413 message with the configured upload limit, and what to do about it."""
    limit = app.config.get("MAX_CONTENT_LENGTH")
    if not limit:
        return "Filen är för stor. Dela upp den i mindre filer och försök igen.", None
    shown = f"{limit / (1024 * 1024):.0f} MB" if limit >= 1024 * 1024 else f"{limit} byte"
    message = (
        f"Filen är för stor: högst {shown} får laddas upp. "
        "Ta bort flikar och bilder som inte behövs, eller dela upp filen i mindre filer, och försök igen."
    )
    return message, {"max_bytes": limit}
