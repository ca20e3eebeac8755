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
import threading
import time
from dataclasses import dataclass
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
    strategy = FixedWindowRateLimiter(storage_from_string(uri))
    app.extensions["rate_limiter"] = strategy
    app.extensions["api_quota"] = ApiQuota(strategy, processes, shared=not uri.startswith("memory://"))


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
    quota: ApiQuota = current_app.extensions["api_quota"]
    for limit in _limits(current_app.config["API_RATE_LIMIT"]):
        retry_after = quota.take(limit, *scope_key("api", key))
        if retry_after is not None:
            raise DomainError(
                "too_many_requests",
                "För många anrop. Vänta en stund och försök igen.",
                {"limit": str(limit)},
                retry_after=retry_after,
            )


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


MAX_LEASE = 64  # calls per lease at most: one Redis round trip per 64 requests of a busy caller


@dataclass
class _Lease:
    window: int  # the clock-aligned window the calls belong to
    left: int  # calls this process holds and has not handed out
    counted: int  # the shared counter after this process's last lease: all processes' use, as last seen
    exhausted: bool = False


class ApiQuota:
    """One process's share of the per-caller API limits, taken from the shared counters in leases.

    Windows are aligned to the clock (window number = now // length) and the window number is part of
    the counter's key, so a process knows when its lease ends without asking, and a lease never
    carries calls into the next window. Nothing is ever let through beyond the limit: a lease is an
    atomic INCRBY, and only the part of it at or below the limit is granted. What leasing costs is
    the other way: a caller can be refused while other processes still hold calls of its window. Leases
    are kept small near the limit (an eighth of the remaining calls shared out over the serving processes, the
    first of a window a single call), so that shortfall is a few calls at most. With memory:// (one
    process, no round trip) every call is counted on its own.
    """

    def __init__(self, strategy: FixedWindowRateLimiter, processes: int, shared: bool):
        self._strategy = strategy
        self._processes = max(1, processes)
        self._shared = shared
        self._leases: dict[tuple, _Lease] = {}
        self._lock = threading.Lock()

    def take(self, limit, *identifiers: str) -> int | None:
        """Use one call of ``limit`` for ``identifiers``: None when granted, else seconds until the window resets."""
        length = limit.get_expiry()
        now = time.time()
        window = int(now // length)
        slot = (limit, *identifiers)
        with self._lock:
            lease = self._leases.get(slot)
            if lease is None or lease.window != window:
                lease = self._leases[slot] = _Lease(window, 0, 0)
                self._forget_old(now)
            if lease.left == 0 and not lease.exhausted:
                self._renew(lease, limit, identifiers)
            if lease.left > 0:
                lease.left -= 1
                return None
        return max(int((window + 1) * length - now), 1)

    def _renew(self, lease: _Lease, limit, identifiers: tuple[str, ...]) -> None:
        size = self._lease_size(lease, limit.amount)
        counted = self._strategy.storage.incr(
            limit.key_for(*identifiers, str(lease.window)), limit.get_expiry(), amount=size
        )
        lease.counted = counted
        lease.left = max(0, min(size, limit.amount - (counted - size)))
        lease.exhausted = lease.left == 0

    def _lease_size(self, lease: _Lease, amount: int) -> int:
        if not self._shared or lease.counted == 0:
            return 1
        return max(1, min(MAX_LEASE, (amount - lease.counted) // (8 * self._processes)))

    def _forget_old(self, now: float) -> None:
        """Leases of ended windows go once there are many (a caller's entry is replaced at its next call anyway)."""
        if len(self._leases) > 10_000:
            ended = [slot for slot, lease in self._leases.items() if lease.window != int(now // slot[0].get_expiry())]
            for slot in ended:
                del self._leases[slot]
