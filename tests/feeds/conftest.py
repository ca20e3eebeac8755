"""A small published assortment for every supplier, and one e-shop token per supplier."""

from __future__ import annotations

import pytest

from catalog_service.extensions import db
from tests.conftest import make_token
from tests.factories import assortments as factory


def feed_rows(supplier: str) -> list[factory.Article]:
    """Three standard articles in Sand and two made-to-measure ones in Black."""
    return factory.articles(supplier, 3) + factory.articles(supplier, 2, start=10, model_number=2, colour="Black")


@pytest.fixture
def published(app, tmp_path) -> tuple[str, ...]:
    """Version 1 published for each of the four suppliers (small contract, five items each)."""
    factory.load_contract(app, factory.small_contract(tmp_path))
    for supplier in factory.SUPPLIERS:
        assert factory.import_and_publish(app, tmp_path, supplier, feed_rows(supplier)) == 1
    return factory.SUPPLIERS


@pytest.fixture
def eshop_tokens(app) -> dict[str, str]:
    """A live e-shop token per supplier."""
    return {supplier: make_token(app, eshop=supplier) for supplier in factory.SUPPLIERS}


@pytest.fixture
def cached_app(app):
    """A second app on the same database with the per-process caches on (as in production)."""
    from catalog_service import create_app

    cached = create_app({**app.config, "CACHE_SECONDS": 60, "CACHE_LISTEN": False, "FETCH_LOG_FLUSH_SECONDS": 0})
    yield cached
    with cached.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def listening_app(app, request, database_template):
    """A caching app that, on PostgreSQL, LISTENs for changes made by other processes (another app server,
    the CLI). ``app`` then plays that other process: it has its own cache.

    Cross-process invalidation does not exist on SQLite (CACHE_SECONDS bounds the staleness there), so
    tests using this fixture are a strict xfail on SQLite.
    """
    from catalog_service import create_app

    cached = create_app({**app.config, "CACHE_SECONDS": 60, "CACHE_LISTEN": True, "FETCH_LOG_FLUSH_SECONDS": 0})
    listener = cached.extensions.get("catalog_cache_listener")
    if database_template["kind"] == "sqlite":
        reason = "SQLite has no cross-process invalidation: another process keeps stale entries for CACHE_SECONDS"
        request.applymarker(pytest.mark.xfail(strict=True, reason=reason))
    yield cached
    if listener is not None:
        listener.stop()
    with cached.app_context():
        db.session.remove()
        db.engine.dispose()
