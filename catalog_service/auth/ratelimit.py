"""The per-caller API limit: a burst from one token gets 429 with Retry-After; other callers go on.

Checked once per request where the caller is known (auth/http.py), with the `limits` library (the
one under Flask-Limiter) called directly: Flask-Limiter's per-request resolution of route and
blueprint limits cost about 150 µs a request, half the time of a feed revalidation (tests/bench).
The counters live where RATELIMIT_STORAGE_URI says (memory per process, or Redis for several servers).
"""

from __future__ import annotations

import time
from functools import lru_cache

from flask import Flask, current_app
from limits import parse_many
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

from ..errors import DomainError


class TooManyRequests(DomainError):
    status = 429


def init_app(app: Flask) -> None:
    app.extensions["api_rate_limiter"] = FixedWindowRateLimiter(
        storage_from_string(app.config["RATELIMIT_STORAGE_URI"])
    )


@lru_cache(maxsize=16)
def _limits(text: str):
    return tuple(parse_many(text))


def check_caller(key: str) -> None:
    """Count one request for ``key``; raise TooManyRequests (with retry_after seconds) past the limit."""
    strategy = current_app.extensions["api_rate_limiter"]
    for limit in _limits(current_app.config["API_RATE_LIMIT"]):
        if not strategy.hit(limit, "api", key):
            reset_at, _ = strategy.get_window_stats(limit, "api", key)
            error = TooManyRequests(
                "too_many_requests", "För många anrop. Vänta en stund och försök igen.", {"limit": str(limit)}
            )
            error.retry_after = max(int(reset_at - time.time()), 1)
            raise error
