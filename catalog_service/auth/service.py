"""Users and API tokens: create, revoke, authenticate."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from ..audit.service import record
from ..cache import announce
from ..errors import Conflict, Invalid, NotFound
from ..models import utcnow
from ..suppliers import profile_for
from .models import ApiToken, Caller, Role, TokenKind, User

TOKEN_BYTES = 32  # 256 bits
PASSWORD_METHOD = "scrypt"  # Werkzeug's scrypt (memory-hard); the test suite swaps in a fast method


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def create_user(
    session: Session,
    name: str,
    roles: list[str],
    *,
    actor: str,
    password: str | None = None,
    supplier: str | None = None,
) -> User:
    """Create a person with roles; a `leverantor` with that role alone and the one supplier they act for.
    Raises Invalid for an unknown role or a wrong supplier binding, NotFound for an unknown supplier,
    Conflict for a taken name."""
    unknown = [r for r in roles if r not in Role.__members__]
    if unknown or not roles:
        raise Invalid("unknown_role", f"Okänd roll: {', '.join(unknown) or '(ingen)'}. Roller: {', '.join(Role)}.")
    code = _supplier_binding(set(roles), supplier)
    if session.scalar(select(User.id).where(User.name == name)) is not None:
        raise Conflict("user_exists", f"Användaren {name!r} finns redan.")
    user = User(
        name=name,
        roles=sorted(set(roles)),
        supplier=code,
        password_hash=generate_password_hash(password, method=PASSWORD_METHOD) if password else None,
    )
    session.add(user)
    session.flush()
    record(
        session,
        actor=actor,
        action="user.create",
        object_type="user",
        object_id=user.id,
        roles=user.roles,
        supplier=code,
    )
    return user


def _supplier_binding(roles: set[str], supplier: str | None) -> str | None:
    """The supplier code a new person is bound to: required for (and only for) a `leverantor`, who has no other
    role. Raises Invalid, or NotFound for an unknown supplier."""
    if Role.leverantor.value not in roles:
        if supplier:
            raise Invalid("supplier_binding", "Bara rollen leverantor knyts till en leverantör.")
        return None
    if roles != {Role.leverantor.value} or not supplier:
        raise Invalid(
            "supplier_binding", "En leverantör har bara rollen leverantor och knyts till en leverantör (--supplier)."
        )
    return profile_for(supplier).code


def invite_supplier(session: Session, name: str, supplier: str, *, actor: str) -> tuple[str, User]:
    """Create a supplier's own person (role leverantor, bound to ``supplier``) with a first password, returned
    once and stored only hashed; with REQUIRE_MFA they set up their second factor at the first login.
    Raises as create_user does (Invalid for an empty or over-long name)."""
    name = name.strip()
    if not 0 < len(name) <= 100:
        raise Invalid("user_name", "Ange ett användarnamn (högst 100 tecken).")
    password = secrets.token_urlsafe(12)
    return password, create_user(session, name, ["leverantor"], actor=actor, password=password, supplier=supplier)


# Checked when the name is unknown, so that a wrong name costs as long as a wrong password. A fixed hash
# (Werkzeug's scrypt defaults, as PASSWORD_METHOD makes): hashing at import cost every command and every
# app start a scrypt run (about 0.1 s and 32 MB of memory).
_DUMMY_HASH = (
    "scrypt:32768:8:1$u8qQnIK6uY7YC05h$270fa473c6a2ba52a39a054e414a11581181e76e178af067ae9a94dbe24fa8c3"
    "fa9b7a20775c8cbe80df708fb9e018ccc7519359ae1a96621a60d271b1b8b13a"
)


def verify_password(session: Session, name: str, password: str) -> User | None:
    """The active person with this name and password, or None. Takes as long for an unknown name."""
    user = session.scalar(select(User).where(User.name == name.strip())) if name.strip() else None
    if user is None or not user.password_hash:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.active:
        return None
    return user


def set_active(session: Session, name: str, active: bool, *, actor: str) -> User:
    """Disable or enable a person. Disabling ends all their sessions at once (the session epoch moves on, so
    they stay ended after the person is enabled again); their API tokens stop working while disabled.
    Raises NotFound; disabling a disabled person (or enabling an active one) is a Conflict."""
    user = find_user(session, name)
    if user.active == active:
        raise Conflict("user_unchanged", f"Användaren {name!r} är redan {'aktiv' if active else 'spärrad'}.")
    user.active = active
    if not active:
        user.session_epoch = (user.session_epoch or 0) + 1
    session.flush()
    announce_tokens = [t.token_hash for t in session.scalars(select(ApiToken).where(ApiToken.user_id == user.id))]
    for digest in announce_tokens:
        announce(session, "token", digest)
    record(
        session, actor=actor, action="user.enable" if active else "user.disable", object_type="user", object_id=user.id
    )
    return user


def find_user(session: Session, name: str) -> User:
    user = session.scalar(select(User).where(User.name == name))
    if user is None:
        raise NotFound("user_not_found", f"Användaren {name!r} finns inte.")
    return user


def create_token(session: Session, *, actor: str, user: str | None = None, eshop: str | None = None):
    """Make a token for a person or an e-shop. Returns (raw token, ApiToken); the raw token is never stored."""
    if (user is None) == (eshop is None):
        raise Invalid("token_owner", "Ange antingen en användare eller en e-butik.")
    raw = secrets.token_urlsafe(TOKEN_BYTES)
    token = ApiToken(token_hash=hash_token(raw), prefix=raw[:8], created_by=actor)
    if eshop is not None:
        token.kind, token.supplier = TokenKind.eshop, profile_for(eshop).code
    else:
        token.kind, token.user = TokenKind.user, find_user(session, user)
    session.add(token)
    session.flush()
    record(
        session,
        actor=actor,
        action="token.create",
        object_type="api_token",
        object_id=token.id,
        kind=token.kind.value,
        supplier=token.supplier,
        user=user,
        prefix=token.prefix,
    )
    return raw, token


def revoke_token(session: Session, token_id: int, *, actor: str) -> ApiToken:
    """Revoke a token at once. Raises NotFound; revoking twice is a Conflict."""
    token = session.get(ApiToken, token_id)
    if token is None:
        raise NotFound("token_not_found", f"Token {token_id} finns inte.")
    if token.revoked_at is not None:
        raise Conflict("token_revoked", f"Token {token_id} är redan återkallad.")
    token.revoked_at, token.revoked_by = utcnow(), actor
    session.flush()
    announce(session, "token", token.token_hash)
    record(
        session,
        actor=actor,
        action="token.revoke",
        object_type="api_token",
        object_id=token.id,
        kind=token.kind.value,
        supplier=token.supplier,
        prefix=token.prefix,
    )
    return token


def list_tokens(session: Session) -> list[ApiToken]:
    return list(session.scalars(select(ApiToken).order_by(ApiToken.id)))


def authenticate(session: Session, digest: str) -> Caller | None:
    """The caller behind a token's SHA-256 digest, or None (unknown, revoked, or an inactive person)."""
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == digest))
    if token is None or not hmac.compare_digest(token.token_hash, digest) or token.revoked_at is not None:
        return None
    if token.kind is TokenKind.user and not token.user.active:
        return None
    user = token.user
    return Caller(
        token.id,
        token.kind,
        token.supplier,
        user.name if user else None,
        frozenset(user.roles) if user else frozenset(),
        user.supplier if user else None,
    )
