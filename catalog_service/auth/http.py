"""Bearer-token authentication for the API: who is calling, and may they?"""

from __future__ import annotations

from functools import wraps

from flask import g, request

from ..errors import DomainError
from ..extensions import db
from .models import ApiToken, Role, TokenKind
from .service import authenticate

QUERY_TOKEN_NAMES = ("token", "access_token", "api_key", "apikey")


class Unauthorized(DomainError):
    status = 401


class Forbidden(DomainError):
    status = 403


def current_token() -> ApiToken:
    """The caller's live token. Raises Unauthorized (401) or DomainError (400 for a token in the URL)."""
    if any(name in request.args for name in QUERY_TOKEN_NAMES):
        raise DomainError("token_in_query", "Token får inte skickas i adressen. Använd Authorization: Bearer.")
    if "token" in g:
        return g.token
    header = request.headers.get("Authorization", "")
    scheme, _, raw = header.partition(" ")
    if not header:
        raise Unauthorized("missing_token", "Inloggning krävs: skicka Authorization: Bearer <token>.")
    if scheme.lower() != "bearer" or not raw.strip() or len(raw) > 200:
        raise Unauthorized("invalid_token", "Ogiltig token.")
    token = authenticate(db.session, raw.strip())
    if token is None:
        raise Unauthorized("invalid_token", "Ogiltig eller återkallad token.")
    g.token = token
    return token


def require_roles(*roles: Role):
    """A view decorator: a person's token with one of ``roles``; e-shop tokens are refused."""

    def decorate(view):
        @wraps(view)
        def checked(*args, **kwargs):
            token = current_token()
            if token.kind is not TokenKind.user or not token.user.has_role(*roles, Role.admin):
                raise Forbidden("forbidden", "Din behörighet räcker inte för detta.")
            return view(*args, **kwargs)

        return checked

    return decorate


def current_actor() -> str:
    return current_token().actor
