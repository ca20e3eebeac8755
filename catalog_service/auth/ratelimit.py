"""Rate limits: API calls per caller, and failed logins per client address and per name.

Both use the `limits` library (fixed windows) directly. Flask-Limiter, built on it, was used first;
its hook resolves route and blueprint limits on every request, which cost about 150 µs on a feed
revalidation (tests/bench/feed_bench.py), so the checks now run only where they apply: the API
check where the caller is known (auth/http.py), the login check in the login view. The counters
live where RATELIMIT_STORAGE_URI says: memory per process, or Redis shared by several servers.

memory:// counts in one process only, so four gunicorn workers would each allow the whole limit
(20 failed logins a minute instead of 5). The app therefore refuses to start with memory:// when
more than one process serves it: gunicorn's worker count, or CATALOG_APP_SERVERS for several
machines (which nothing inside one process can see).
"""

from __future__ import annotations

import gc
import sys
import time
from functools import lru_cache

from flask import Flask, current_app
from limits import parse_many
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

from ..errors import DomainError


class SharedCountersNeeded(RuntimeError):
    """Raised at start: several processes would each count the limits on their own."""


def init_app(app: Flask) -> None:
    uri = app.config["RATELIMIT_STORAGE_URI"]
    processes = max(serving_processes(), int(app.config.get("APP_SERVERS") or 1))
    if uri.startswith("memory://") and processes > 1:
        raise SharedCountersNeeded(
            f"CATALOG_RATELIMIT_STORAGE_URI is {uri}, which counts in one process, but {processes} processes "
            "(gunicorn workers or CATALOG_APP_SERVERS) serve this app: each would allow the whole limit. "
            "Set CATALOG_RATELIMIT_STORAGE_URI=redis://HOST:6379 so they count together, or serve with one worker."
        )
    app.extensions["rate_limiter"] = FixedWindowRateLimiter(storage_from_string(uri))


def serving_processes() -> int:
    """gunicorn's worker count when gunicorn serves this process, else 1.

    The arbiter object is in memory in the master and, inherited through fork, in every worker;
    asking it covers -w, WEB_CONCURRENCY, GUNICORN_CMD_ARGS and config files alike.
    """
    arbiter = sys.modules.get("gunicorn.arbiter")
    if arbiter is None:
        return 1
    found = [obj for obj in gc.get_objects() if isinstance(obj, arbiter.Arbiter)]
    return max([int(obj.num_workers or 1) for obj in found] or [1])


@lru_cache(maxsize=16)
def _limits(text: str):
    return tuple(parse_many(text))


def _strategy() -> FixedWindowRateLimiter:
    return current_app.extensions["rate_limiter"]


def _refusal(limit, scope: str, key: str, message: str) -> DomainError:
    reset_at, _ = _strategy().get_window_stats(limit, *scope_key(scope, key))
    retry_after = max(int(reset_at - time.time()), 1)
    return DomainError("too_many_requests", message, {"limit": str(limit)}, retry_after=retry_after)


def scope_key(scope: str, key: str) -> tuple[str, str]:
    """The counter's identifiers; RATELIMIT_KEY_PREFIX keeps apps sharing one Redis apart."""
    return f"{current_app.config.get('RATELIMIT_KEY_PREFIX', '')}{scope}", key


def check_caller(key: str) -> None:
    """Count one API request for ``key``; raise DomainError too_many_requests (with retry_after) past the limit."""
    for limit in _limits(current_app.config["API_RATE_LIMIT"]):
        if not _strategy().hit(limit, *scope_key("api", key)):
            raise _refusal(limit, "api", key, "För många anrop. Vänta en stund och försök igen.")


def check_login_allowed(keys: list[str]) -> None:
    """Raise DomainError too_many_requests when any of ``keys`` (address, name) has used up its failed logins."""
    for limit in _limits(current_app.config["LOGIN_RATE_LIMIT"]):
        for key in keys:
            if not _strategy().test(limit, *scope_key("login", key)):
                raise _refusal(limit, "login", key, "För många försök. Vänta en stund och försök igen.")


def count_failed_login(keys: list[str]) -> None:
    """Only failed attempts count: a person who logs in is not slowed down."""
    for limit in _limits(current_app.config["LOGIN_RATE_LIMIT"]):
        for key in keys:
            _strategy().hit(limit, *scope_key("login", key))
