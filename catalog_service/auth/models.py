from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import JSON, Boolean, Enum, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models import UTCDateTime, utcnow


class Role(enum.StrEnum):
    upphandlare = "upphandlare"  # procurement officer
    hmc = "hmc"  # HMC staff
    forskrivare = "forskrivare"  # prescriber
    admin = "admin"
    leverantor = "leverantor"  # a supplier's own person: bound to exactly one supplier (User.supplier)


class TokenKind(enum.StrEnum):
    user = "user"
    eshop = "eshop"


class User(db.Model):
    """A person who works with the service. Names are user names, never patients."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    roles: Mapped[list] = mapped_column(JSON, default=list)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A person who logs in through the region's identity provider: the provider's stable subject ("sub"),
    # never a personal identity number (auth/oidc.py refuses one). None for local accounts.
    subject: Mapped[str | None] = mapped_column(String(255), unique=True)
    # TOTP second factor of a local account (auth/mfa.py): the shared secret once enrolled, and the last
    # time step a code was accepted for, so one code cannot be used twice.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    # Part of every session's stamp (web/access.py): raised when an admin disables the person, which ends
    # all their sessions, also after they are enabled again.
    session_epoch: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # The one supplier a `leverantor` acts for (auth/supplier_fence.py); None for everyone else.
    supplier: Mapped[str | None] = mapped_column(String(40))

    def has_role(self, *roles: Role) -> bool:
        return self.active and any(r.value in self.roles for r in roles)


class RecoveryCode(db.Model):
    """A one-time recovery code for a person's second factor; only its SHA-256 is stored (80 random bits)."""

    __tablename__ = "mfa_recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ApiToken(db.Model):
    """A bearer token; only its SHA-256 is stored (tokens are 256 random bits, so a fast hash is enough)."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[TokenKind] = mapped_column(Enum(TokenKind, native_enum=False, length=10))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    supplier: Mapped[str | None] = mapped_column(String(40))  # for e-shop tokens
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))  # first characters, to tell tokens apart in lists
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(100))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by: Mapped[str | None] = mapped_column(String(100))

    user: Mapped[User | None] = relationship()

    @property
    def actor(self) -> str:
        """How this token's holder appears in the audit log."""
        return f"eshop:{self.supplier}" if self.kind is TokenKind.eshop else self.user.name


@dataclass(frozen=True)
class Caller:
    """Who is calling the API, as checked from a live token (cheap to cache, holds no secrets)."""

    token_id: int | None  # None for a person logged in to the pages
    kind: TokenKind
    supplier: str | None
    user_name: str | None
    roles: frozenset[str]
    bound_supplier: str | None = None  # a `leverantor` person's supplier (auth/supplier_fence.py)

    @property
    def actor(self) -> str:
        """How the caller appears in the audit log."""
        return f"eshop:{self.supplier}" if self.kind is TokenKind.eshop else self.user_name

    def has_role(self, *roles: Role) -> bool:
        return self.kind is TokenKind.user and any(r.value in self.roles for r in roles)
