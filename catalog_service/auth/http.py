"""Bearer-token authentication for the API: who is calling, and may they?"""

from __future__ import annotations

from functools import wraps

from flask import g, request

from ..cache import cache
from ..errors import DomainError, Forbidden, Unauthorized
from ..extensions import db
from .models import Caller, TokenKind
from .permissions import may, roles_for
from .ratelimit import check_caller
from .service import authenticate, hash_token

QUERY_TOKEN_NAMES = ("token", "access_token", "api_key", "apikey")


def current_caller() -> Caller:
    """The caller of this request. Raises Unauthorized (401), or DomainError (400) for a token in the URL."""
    req = request._get_current_object()
    if req.query_string and any(name in req.args for name in QUERY_TOKEN_NAMES):
        raise DomainError("token_in_query", "Token får inte skickas i adressen. Använd Authorization: Bearer.")
    if "caller" in g:
        return g.caller
    header = req.headers.get("Authorization", "")
    scheme, _, raw = header.partition(" ")
    if not header:
        caller = _session_caller(req)
        check_caller(f"user:{caller.user_name}")
        g.caller = caller
        return caller
    if scheme.lower() != "bearer" or not raw.strip() or len(raw) > 200:
        raise Unauthorized("invalid_token", "Ogiltig token.")
    digest = hash_token(raw.strip())
    caller = cache().get(("token", digest), lambda: authenticate(db.session, digest))
    if caller is None:
        cache().forget(("token", digest))  # unknown tokens are not remembered
        raise Unauthorized("invalid_token", "Ogiltig eller återkallad token.")
    check_caller(f"token:{caller.token_id}")
    g.caller = caller
    return caller


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _session_caller(req) -> Caller:
    """A person logged in to the pages calling the API from the browser: their roles, never an e-shop's.

    A write with the session cookie must carry the page's CSRF token in ``X-CSRFToken``.
    """
    from flask_wtf.csrf import ValidationError, validate_csrf

    from ..web.access import current_user

    user = current_user()
    if user is None:
        raise Unauthorized("missing_token", "Inloggning krävs: skicka Authorization: Bearer <token>.")
    if req.method not in SAFE_METHODS:
        try:
            validate_csrf(req.headers.get("X-CSRFToken", ""))
        except ValidationError:
            raise Forbidden("csrf", "Säkerhetstoken (X-CSRFToken) saknas eller är ogiltig.") from None
    return Caller(None, TokenKind.user, None, user.name, frozenset(user.roles), user.supplier)


def require_roles(action: str):
    """A view decorator: a person's token with a role that may do ``action`` (auth/permissions.py; admin always
    passes); e-shop tokens are refused."""
    roles_for(action)  # an unknown action fails at import, not at the first request

    def decorate(view):
        @wraps(view)
        def checked(*args, **kwargs):
            if not may(current_caller(), action):
                raise Forbidden("forbidden", "Din behörighet räcker inte för detta.")
            return view(*args, **kwargs)

        return checked

    return decorate


def current_actor() -> str:
    return current_caller().actor
