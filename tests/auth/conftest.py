"""The auth tests read feeds, so they share the feed tests' fixtures: published feeds and e-shop tokens."""

from tests.feeds.conftest import (  # noqa: F401  (fixtures used by name)
    cached_app,
    eshop_tokens,
    listening_app,
    published,
)
