"""Configuration: defaults here, then the instance folder, then the environment, then a test dict."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

ENV_PREFIX = "CATALOG_"


class Defaults:
    SECRET_KEY = "dev-only-change-me"
    SQLALCHEMY_DATABASE_URI = None  # filled in by create_app: a SQLite file in the instance folder
    # Driver errors never quote statement parameters in messages or logs: a parameter may be anyone's text.
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"hide_parameters": True}
    MAX_CONTENT_LENGTH = 100 * 1024 * 1024  # uploads above this answer 413
    CONTRACT_START = None  # 'YYYY-MM-DD' overrides the earliest "Giltig från" of the contract
    LEAD_TIME_STANDARD_DAYS = 5
    LEAD_TIME_MADE_TO_MEASURE_DAYS = 10
    ONWARD_DELIVERY_DAYS = 2  # HMC to the patient's home, working days
    # The WebSesam customer order number's format (a full-match regular expression); None is the privacy
    # module's default, the sample data's KO- followed by 7 digits.
    KUNDORDERNUMMER_PATTERN = None
    REQUEST_OVERDUE_WORKING_DAYS = 5  # a consultation request waiting longer than this is flagged overdue
    CACHE_SECONDS = 5  # per-process cache of token checks and feed heads; PostgreSQL NOTIFY drops stale ones
    FETCH_LOG_FLUSH_SECONDS = 1.0  # feed fetches are written in batches; 0 writes each in its request
    FETCH_ALERT_HOURS = (
        24  # an e-shop that has not fetched the version in effect this long after it took effect is flagged
    )
    FOUR_EYES = True  # the person who publishes must not be the one who uploaded the draft
    READER_MEMORY_MB = 2048  # address-space cap of the child process that reads a workbook
    READER_SECONDS = 600
    READER_MAX_ROWS = 1_048_576  # rows per sheet (Excel's own maximum); more answers 422 before any row is stored
    API_TITLE = "HMC katalog- och sortimentstjänst"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"
    # The browsable page at /api/v1/docs uses Swagger UI files served by this app (swagger-ui-bundle),
    # never a CDN: the service must work without outside network access.
    OPENAPI_SWAGGER_UI_PATH = "docs"
    OPENAPI_SWAGGER_UI_URL = "/api/v1/docs/assets/"
    JSON_SORT_KEYS = False
    # People log in to the pages with a signed session cookie. "Secure" is dropped only in
    # development (CATALOG_DEVELOPMENT=1, which `make run` sets) and tests, both on plain http.
    DEVELOPMENT = False
    SESSION_COOKIE_NAME = "hmc_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = True
    PERMANENT_SESSION_LIFETIME = 8 * 3600  # one working day
    # A session ends after SESSION_IDLE_SECONDS without a request, and SESSION_MAX_SECONDS after login
    # whatever happens (web/access.py).
    SESSION_IDLE_SECONDS = 30 * 60
    SESSION_MAX_SECONDS = 8 * 3600
    # A local account (name and password) must also give a TOTP code (auth/mfa.py). None: on, unless
    # DEVELOPMENT (the demo on a developer's machine logs in with passwords alone).
    REQUIRE_MFA = None
    # OpenID Connect login through the region's identity provider (auth/oidc.py); off while OIDC_ISSUER is unset.
    OIDC_ISSUER = None  # the discovery document is read from ISSUER/.well-known/openid-configuration
    OIDC_CLIENT_ID = None
    OIDC_CLIENT_SECRET = None
    OIDC_SCOPE = "openid profile"
    OIDC_USERNAME_CLAIM = "preferred_username"
    OIDC_ROLES_CLAIM = "groups"
    # The provider's group (value of ROLES_CLAIM) → our role: "region-hmc=hmc,region-upph=upphandlare".
    OIDC_ROLE_MAP = ""
    OIDC_REDIRECT_URI = None  # None: this app's own /login/oidc/callback as the request sees it
    OIDC_TIMEOUT_SECONDS = 10.0
    WTF_CSRF_TIME_LIMIT = None  # a token lives as long as the session it belongs to
    WTF_CSRF_SSL_STRICT = False  # the Referer check breaks behind TLS-terminating proxies; SameSite covers it
    # Rate limits (auth/ratelimit.py). memory:// is per process; several servers share redis://host:6379.
    # memory:// with several gunicorn workers, or APP_SERVERS above 1, is refused at start (auth/ratelimit.py).
    RATELIMIT_STORAGE_URI = "memory://"
    APP_SERVERS = 1  # how many app servers share the database (each may run several workers)
    LOGIN_RATE_LIMIT = "5 per minute;30 per hour"  # per client address and user name
    API_RATE_LIMIT = "120 per minute"  # per token (e-shops poll; a burst beyond this gets 429)
    # The accessibility statement (/tillganglighet) names a functional mailbox to report problems to, never a person.
    ACCESSIBILITY_CONTACT = "hjalpmedelscentralen@example.se"
    ACCESSIBILITY_REVIEWED = "2026-12-04"  # the day the service was last assessed against WCAG 2.1 AA
    # A price above this many kronor is an invalid row ("orimligt högt pris"), in price lists and contracts.
    MAX_PRICE_SEK = 1_000_000
    # A background import beats every IMPORT_JOB_HEARTBEAT_SECONDS while its process lives; with no sign
    # of life for IMPORT_JOB_STALE_SECONDS it has died. Every server process sweeps for such jobs (and for
    # job files nobody needs) every JOB_SWEEP_SECONDS (0: never): a killed job is failed within a minute.
    IMPORT_JOB_STALE_SECONDS = 30
    IMPORT_JOB_HEARTBEAT_SECONDS = 5
    JOB_SWEEP_SECONDS = 15
    # POST /api/v1/pricelists imports files up to this size in the request (201 with the summary);
    # larger ones become a background job (202 with the job's URL), so no worker waits on a big import.
    SYNC_IMPORT_MAX_BYTES = 2 * 1024 * 1024
    SUMMARY_MAX_ERRORS = 100  # invalid rows listed in a summary; the rest are paged or downloaded
    # The Peppol catalogue feed (exports/formats/peppol.py): the region is its provider, identified by
    # organisation number (scheme 0007) or GLN (0088); the receiver is the supplier, from its profile
    # (peppol_id, peppol_scheme). The contract reference is written as ReferencedContract when set.
    PEPPOL_PROVIDER_ID = "2321000131"
    PEPPOL_PROVIDER_SCHEME = "0007"
    PEPPOL_PROVIDER_NAME = "Västra Götalandsregionen"
    PEPPOL_CONTRACT_REFERENCE = None
    JOB_FOLDER = None  # uploads waiting for the queue's worker; None: instance/import-jobs
    # The job queue (jobs/queue.py): None keeps it in instance/queue.sqlite3 (one machine; `catalog run` starts
    # its worker); redis://host:6379/0 shares it between app servers, with `catalog worker` run beside them.
    QUEUE_URL = None
    QUEUE_IMMEDIATE = False  # tests: run each task at once where it is enqueued
    QUEUE_WORKERS = 2  # tasks a worker runs at once (threads)
    PURGE_HOUR_UTC = 2  # the nightly retention purge of order lines before the contract start
    # Webhooks to e-shops (webhooks/): the feed URL in their events starts with PUBLIC_URL; endpoints must be
    # https:// (http:// to loopback only with WEBHOOK_ALLOW_LOOPBACK, for tests and development).
    PUBLIC_URL = "http://127.0.0.1:5000"
    WEBHOOK_ALLOW_LOOPBACK = False
    WEBHOOK_TIMEOUT_SECONDS = 10.0
    WEBHOOK_RETRY_BASE_SECONDS = 30.0  # first retry after this, then doubling
    WEBHOOK_RETRY_HOURS = 24.0  # no further try once this long has passed since the event


def _flag(raw: str) -> bool:
    return raw.strip().lower() in ("1", "true", "yes", "on")


# Settings read from the environment: CATALOG_<NAME>, converted by type.
ENVIRONMENT_SETTINGS = {
    "SECRET_KEY": str,
    "DATABASE_URL": str,
    "CONTRACT_START": str,
    "MAX_CONTENT_LENGTH": int,
    "LEAD_TIME_STANDARD_DAYS": int,
    "LEAD_TIME_MADE_TO_MEASURE_DAYS": int,
    "ONWARD_DELIVERY_DAYS": int,
    "KUNDORDERNUMMER_PATTERN": str,
    "REQUEST_OVERDUE_WORKING_DAYS": int,
    "READER_MEMORY_MB": int,
    "READER_SECONDS": float,
    "READER_MAX_ROWS": int,
    "CACHE_SECONDS": float,
    "FETCH_LOG_FLUSH_SECONDS": float,
    "FOUR_EYES": _flag,
    "FETCH_ALERT_HOURS": float,
    "DEVELOPMENT": _flag,
    "RATELIMIT_STORAGE_URI": str,
    "APP_SERVERS": int,
    "RATELIMIT_KEY_PREFIX": str,  # keeps the counters of apps sharing one Redis apart
    "LOGIN_RATE_LIMIT": str,
    "SESSION_IDLE_SECONDS": int,
    "SESSION_MAX_SECONDS": int,
    "REQUIRE_MFA": _flag,
    "OIDC_ISSUER": str,
    "OIDC_CLIENT_ID": str,
    "OIDC_CLIENT_SECRET": str,
    "OIDC_SCOPE": str,
    "OIDC_USERNAME_CLAIM": str,
    "OIDC_ROLES_CLAIM": str,
    "OIDC_ROLE_MAP": str,
    "OIDC_REDIRECT_URI": str,
    "OIDC_TIMEOUT_SECONDS": float,
    "API_RATE_LIMIT": str,
    "MAX_PRICE_SEK": int,
    "IMPORT_JOB_STALE_SECONDS": float,
    "JOB_SWEEP_SECONDS": float,
    "SYNC_IMPORT_MAX_BYTES": int,
    "SUMMARY_MAX_ERRORS": int,
    "PEPPOL_PROVIDER_ID": str,
    "PEPPOL_PROVIDER_SCHEME": str,
    "PEPPOL_PROVIDER_NAME": str,
    "PEPPOL_CONTRACT_REFERENCE": str,
    "JOB_FOLDER": str,
    "IMPORT_JOB_HEARTBEAT_SECONDS": float,
    "QUEUE_URL": str,
    "QUEUE_WORKERS": int,
    "PURGE_HOUR_UTC": int,
    "PUBLIC_URL": str,
    "WEBHOOK_ALLOW_LOOPBACK": _flag,
    "WEBHOOK_TIMEOUT_SECONDS": float,
    "WEBHOOK_RETRY_BASE_SECONDS": float,
    "WEBHOOK_RETRY_HOURS": float,
}


def from_environment(environ=os.environ) -> dict:
    """The settings given as CATALOG_* environment variables."""
    settings = {}
    for name, kind in ENVIRONMENT_SETTINGS.items():
        raw = environ.get(ENV_PREFIX + name)
        if raw not in (None, ""):
            key = "SQLALCHEMY_DATABASE_URI" if name == "DATABASE_URL" else name
            settings[key] = kind(raw)
    return settings


class LeadTimes(NamedTuple):
    """Working days: supplier to HMC for standard and made-to-measure articles, then HMC to the home."""

    standard: int
    made_to_measure: int
    onward: int

    def for_article(self, made_to_measure: bool) -> int:
        """Working days to HMC for one article."""
        return self.made_to_measure if made_to_measure else self.standard


def lead_times(config: Mapping | None = None) -> LeadTimes:
    """The contract's lead times (LEAD_TIME_*, ONWARD_DELIVERY_DAYS), the one place that reads them.

    ``config`` is an app's configuration; without one, the running app's (or the defaults
    outside an app, where the services also run).
    """
    if config is None:
        from flask import current_app, has_app_context

        config = current_app.config if has_app_context() else {}
    return LeadTimes(
        standard=int(config.get("LEAD_TIME_STANDARD_DAYS", Defaults.LEAD_TIME_STANDARD_DAYS)),
        made_to_measure=int(config.get("LEAD_TIME_MADE_TO_MEASURE_DAYS", Defaults.LEAD_TIME_MADE_TO_MEASURE_DAYS)),
        onward=int(config.get("ONWARD_DELIVERY_DAYS", Defaults.ONWARD_DELIVERY_DAYS)),
    )


@dataclass(frozen=True)
class ReaderLimits:
    """What reading one workbook may use: its child process's memory (MB) and time, and rows per sheet."""

    memory_mb: int = Defaults.READER_MEMORY_MB
    seconds: float = Defaults.READER_SECONDS
    max_rows: int = Defaults.READER_MAX_ROWS

    @classmethod
    def from_config(cls, config: Mapping) -> ReaderLimits:
        """The limits an app is configured with (READER_MEMORY_MB, READER_SECONDS, READER_MAX_ROWS)."""
        return cls(
            memory_mb=int(config.get("READER_MEMORY_MB", cls.memory_mb)),
            seconds=float(config.get("READER_SECONDS", cls.seconds)),
            max_rows=int(config.get("READER_MAX_ROWS", cls.max_rows)),
        )


def four_eyes(config: Mapping) -> bool:
    """Whether the person who publishes must differ from the one who uploaded (FOUR_EYES, on by default)."""
    return bool(config.get("FOUR_EYES", Defaults.FOUR_EYES))


def require_mfa(config: Mapping) -> bool:
    """Whether a local login needs a second factor: REQUIRE_MFA, or when unset, on outside DEVELOPMENT."""
    setting = config.get("REQUIRE_MFA")
    return not config.get("DEVELOPMENT") if setting is None else bool(setting)


def check(config) -> None:
    """Refuse at start a setting that cannot work, with a message naming it (ValueError)."""
    from importers.values import max_price_ore

    try:
        max_price_ore(config["MAX_PRICE_SEK"])
    except (ValueError, ArithmeticError) as error:
        raise ValueError(f"CATALOG_MAX_PRICE_SEK: {error}") from None


def default_database_uri(instance_path: str) -> str:
    return f"sqlite:///{Path(instance_path) / 'catalog.sqlite3'}"


def normalise_database_uri(uri: str) -> str:
    """Use psycopg 3 for plain postgresql:// URLs."""
    for prefix in ("postgresql://", "postgres://"):
        if uri.startswith(prefix):
            return "postgresql+psycopg://" + uri[len(prefix) :]
    return uri
