from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import JSON, Boolean, Enum, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models import UTCDateTime, utcnow


class Role(enum.StrEnum):
    upphandlare = "upphandlare"  # procurement officer
    hmc = "hmc"  # HMC staff
    forskrivare = "forskrivare"  # prescriber
    admin = "admin"


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

    def has_role(self, *roles: Role) -> bool:
        return self.active and any(r.value in self.roles for r in roles)


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

    @property
    def actor(self) -> str:
        """How the caller appears in the audit log."""
        return f"eshop:{self.supplier}" if self.kind is TokenKind.eshop else self.user_name

    def has_role(self, *roles: Role) -> bool:
        return self.kind is TokenKind.user and any(r.value in self.roles for r in roles)
