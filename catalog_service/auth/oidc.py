"""Login through the region's identity provider: OpenID Connect, Authorization Code flow with PKCE (Authlib).

Authlib reads the provider's discovery document (OIDC_ISSUER/.well-known/openid-configuration), sends
the person there with a state, a nonce and a PKCE challenge, and checks the ID token that comes back:
the signature against the provider's JWKS, the issuer, the audience (our client id), the expiry and
the nonce. State and nonce are also remembered as used (``first_use``) so that a replayed callback is
refused even with a copy of the session cookie.

Claims are data from outside. Only three things are kept: the subject (``sub``), a display user name
and the roles the mapping gives. A provider that also sends a personal identity number, an e-mail
address or a phone number gets none of them stored, logged or shown: nothing here reads other claims,
and a subject or user name that itself looks like personal data is refused.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

from flask import Flask, current_app
from limits import parse
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..audit.service import record
from ..errors import Forbidden
from ..privacy.guard import find_personal_data
from .models import Role, User
from .ratelimit import scope_key

PROVIDER = "region"
ACTOR = "oidc"  # how the identity provider appears in the audit log when it creates or changes a person
ONCE = parse("1 per 1 day")  # state and nonce: usable once; longer than a session cookie lives (8 h)


class LoginRefused(Forbidden):
    """The provider vouched for the person, but we do not let them in (no role, an unusable claim)."""


def enabled(config: Mapping) -> bool:
    return bool(config.get("OIDC_ISSUER"))


def init_app(app: Flask) -> None:
    """Register the provider with Authlib when OIDC_ISSUER is set; a role mapping that cannot work stops the start."""
    if not enabled(app.config):
        return
    from authlib.integrations.flask_client import OAuth

    role_map(app.config)
    if not app.config.get("OIDC_CLIENT_ID"):
        raise ValueError("CATALOG_OIDC_ISSUER is set but CATALOG_OIDC_CLIENT_ID is not")
    issuer = issuer_of(app.config)
    oauth = OAuth(app)
    oauth.register(
        PROVIDER,
        client_id=app.config["OIDC_CLIENT_ID"],
        client_secret=app.config.get("OIDC_CLIENT_SECRET"),
        server_metadata_url=f"{issuer}/.well-known/openid-configuration",
        client_kwargs={
            "scope": app.config["OIDC_SCOPE"],
            "code_challenge_method": "S256",  # PKCE
            "default_timeout": app.config["OIDC_TIMEOUT_SECONDS"],
        },
    )
    app.extensions["catalog_oidc"] = oauth


def issuer_of(config: Mapping) -> str:
    return str(config["OIDC_ISSUER"]).rstrip("/")


def client():
    """Authlib's client for the provider, or None when OIDC is not configured."""
    oauth = current_app.extensions.get("catalog_oidc")
    return oauth.create_client(PROVIDER) if oauth else None


def role_map(config: Mapping) -> dict[str, str]:
    """OIDC_ROLE_MAP as {group: role}: "group=role" entries separated by ";" or new lines (a group may hold
    commas and "=", as LDAP names do: the last "=" separates). Raises ValueError naming a bad entry."""
    raw = config.get("OIDC_ROLE_MAP") or ""
    pairs = raw.items() if isinstance(raw, Mapping) else _entries(raw)
    mapping = {}
    for group, role in pairs:
        if role not in Role.__members__ or not group:
            raise ValueError(f"CATALOG_OIDC_ROLE_MAP: {group}={role}: roles are {', '.join(Role)}")
        mapping[group] = role
    if not mapping:
        raise ValueError("CATALOG_OIDC_ROLE_MAP is empty: nobody could log in through the identity provider")
    return mapping


def _entries(raw: str):
    for entry in raw.replace("\n", ";").split(";"):
        if entry.strip():
            group, _, role = entry.strip().rpartition("=")
            yield group.strip(), role.strip()


def roles_from_claims(claims: Mapping, config: Mapping) -> list[str]:
    """Our roles for the groups in the OIDC_ROLES_CLAIM claim (a list, or one string), sorted; may be empty."""
    value = claims.get(config["OIDC_ROLES_CLAIM"])
    groups = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    mapping = role_map(config)
    return sorted({mapping[group] for group in groups if isinstance(group, str) and group in mapping})


def first_use(kind: str, value: str) -> bool:
    """Whether ``value`` (a state or a nonce) is seen for the first time; it counts as used from now on.
    The mark lives in the rate-limit storage, so several servers share it (redis://)."""
    strategy = current_app.extensions["rate_limiter"]
    digest = hashlib.sha256(value.encode()).hexdigest()
    return bool(value) and strategy.hit(ONCE, *scope_key(f"oidc-{kind}", digest))


def person_from_claims(session: Session, claims: Mapping, config: Mapping) -> User:
    """The person the verified ``claims`` name, created or updated: subject, user name and roles only.

    Raises LoginRefused (nothing stored) when no group maps to a role, when the subject or user name is
    missing or looks like personal data, when the name belongs to another person, or when the person is
    disabled. An existing person's roles are re-evaluated: they may lose some.
    """
    subject, name = _subject(claims), _username(claims, config)
    roles = roles_from_claims(claims, config)
    if not roles:
        raise LoginRefused(
            "oidc_no_role",
            "Du har inte behörighet till katalogtjänsten. Ditt konto hos regionen saknar en grupp som ger en roll "
            "här. Kontakta hjälpmedelscentralens administratör om du behöver tillgång.",
        )
    user = session.scalar(select(User).where(User.subject == subject))
    if user is None:
        return _create(session, subject, name, roles)
    if not user.active:
        raise LoginRefused("oidc_disabled", "Ditt konto i katalogtjänsten är spärrat. Kontakta administratören.")
    _update(session, user, name, roles)
    return user


def _subject(claims: Mapping) -> str:
    subject = claims.get("sub")
    if not isinstance(subject, str) or not 0 < len(subject) <= 255 or find_personal_data(subject):
        raise LoginRefused(
            "oidc_subject",
            "Identitetsleverantören skickar ett användar-id som inte kan användas här (det saknas eller ser ut "
            "att innehålla personuppgifter). Kontakta administratören.",
        )
    return subject


def _username(claims: Mapping, config: Mapping) -> str:
    """The display user name: the OIDC_USERNAME_CLAIM claim; of an e-mail-like name only the part before @."""
    value = claims.get(config["OIDC_USERNAME_CLAIM"])
    name = value.partition("@")[0].strip() if isinstance(value, str) else ""
    if not 0 < len(name) <= 100 or find_personal_data(name):
        raise LoginRefused(
            "oidc_username",
            "Identitetsleverantören skickar inget användbart användarnamn. Kontakta administratören.",
        )
    return name


def _create(session: Session, subject: str, name: str, roles: list[str]) -> User:
    if session.scalar(select(User.id).where(User.name == name)) is not None:
        raise _name_taken()
    user = User(name=name, roles=roles, subject=subject, password_hash=None)
    session.add(user)
    session.flush()
    record(session, actor=ACTOR, action="user.create", object_type="user", object_id=user.id, roles=roles)
    return user


def _update(session: Session, user: User, name: str, roles: list[str]) -> None:
    changes = {}
    if name != user.name:
        if session.scalar(select(User.id).where(User.name == name, User.id != user.id)) is not None:
            raise _name_taken()
        changes["name"] = [user.name, name]
        user.name = name
    if roles != sorted(user.roles):
        changes["roles"] = [sorted(user.roles), roles]
        user.roles = roles
    if changes:
        session.flush()
        record(session, actor=ACTOR, action="user.update", object_type="user", object_id=user.id, **changes)


def _name_taken() -> LoginRefused:
    return LoginRefused(
        "oidc_name_taken",
        "Ditt användarnamn används redan av ett annat konto i katalogtjänsten. Kontakta administratören.",
    )
