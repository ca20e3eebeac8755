"""Domain errors and the one JSON error shape of the API.

Every domain error has a code, a Swedish message and JSON-safe details, and
maps to one HTTP status here; views never build error responses themselves.
"""

from __future__ import annotations

import logging
import sqlite3

import psycopg
from flask import Flask, jsonify, render_template, request
from marshmallow import Schema, fields
from sqlalchemy import exc as sa_exc
from werkzeug.exceptions import HTTPException

from importers.errors import ImportFileError

from .privacy.guard import PersonalDataFound


class DomainError(Exception):
    status = 400

    def __init__(self, code: str, message: str, details=None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details


class NotFound(DomainError):
    status = 404


class Forbidden(DomainError):
    """The caller is known but their roles do not allow this (for services that check roles themselves)."""

    status = 403


class Conflict(DomainError):
    status = 409


class Invalid(DomainError):
    status = 422


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

IMPORT_FILE_STATUS = {"unsupported": 415, "unreadable": 422, "wrong_supplier": 422, "personal_data": 422}


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
        retry = [("Retry-After", str(error.retry_after))] if getattr(error, "retry_after", None) else []
        if _is_page():
            return _page(error.status, error.message, headers=retry)
        response = jsonify(error_body(error.code, error.message, error.details))
        response.headers.extend(retry)
        if error.status == 401:
            challenge = 'Bearer realm="catalog"'
            if error.code == "invalid_token":
                challenge += ', error="invalid_token"'
            response.headers["WWW-Authenticate"] = challenge
        return response, error.status

    @app.errorhandler(ImportFileError)
    def _import_file(error: ImportFileError):
        status = IMPORT_FILE_STATUS.get(error.kind, 422)
        return jsonify(error_body(error.kind, error.message, error.details)), status

    @app.errorhandler(PersonalDataFound)
    def _personal_data(error: PersonalDataFound):
        details = {"field": error.field, "kinds": list(error.kinds)}
        return jsonify(error_body("personal_data", str(error), details)), 422

    for error_class in DATABASE_UNAVAILABLE:
        app.register_error_handler(error_class, _database_unavailable)

    app.register_error_handler(HTTPException, lambda error: _http_error(app, error))


def _http_error(app: Flask, error: HTTPException):
    details = getattr(error, "data", {}).get("messages") if hasattr(error, "data") else None
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
