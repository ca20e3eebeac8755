"""The per-process caches: they save database work but never serve a revoked token or a stale version."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from catalog_service.cache import LocalCache
from catalog_service.extensions import db
from catalog_service.feeds.models import FeedFetch
from tests.conftest import POSTGRES_URL, bearer_client, make_token
from tests.factories import assortments as factory


def test_local_cache_expires_and_forgets_by_prefix(monkeypatch):
    clock = [100.0]
    monkeypatch.setattr("catalog_service.cache.time.monotonic", lambda: clock[0])
    cache, loads = LocalCache(5), []

    def load(value):
        return lambda: loads.append(value) or value

    assert cache.get(("feed", "medi", "json"), load("v1")) == "v1"
    assert cache.get(("feed", "medi", "json"), load("v2")) == "v1"
    cache.forget(("feed", "medi"))
    assert cache.get(("feed", "medi", "json"), load("v3")) == "v3"
    clock[0] += 6
    assert cache.get(("feed", "medi", "json"), load("v4")) == "v4"
    assert loads == ["v1", "v3", "v4"]


def test_local_cache_keeps_at_most_max_entries():
    cache = LocalCache(60, max_entries=2)
    for key in "abc":
        cache.get((key,), lambda key=key: key)
    assert cache.get(("a",), lambda: "reloaded") == "reloaded"


def _etag(client, supplier="medi"):
    response = client.get(f"/api/v1/feeds/{supplier}")
    assert response.status_code == 200, response.get_json()
    return response.headers["ETag"]


def test_a_value_loaded_while_its_key_is_forgotten_is_not_kept():
    cache = LocalCache(60)

    def load():
        cache.forget(("feed", "medi"))  # an invalidation arrives while the old value is being read
        return "old"

    assert cache.get(("feed", "medi", "json"), load) == "old"
    assert cache.get(("feed", "medi", "json"), lambda: "new") == "new"


def test_revoked_token_is_refused_at_once_despite_the_cache(app, long_cache_app, tmp_path):
    factory.load_contract(app, factory.small_contract(tmp_path))
    factory.import_and_publish(app, tmp_path, "medi", factory.articles("medi", 3))
    token = make_token(app, eshop="medi")
    client = bearer_client(long_cache_app, token)
    assert client.get("/api/v1/feeds/medi").status_code == 200  # now cached

    with long_cache_app.app_context():
        from catalog_service.auth.models import ApiToken
        from catalog_service.auth.service import revoke_token

        token_id = db.session.scalar(select(ApiToken.id).where(ApiToken.supplier == "medi"))
        revoke_token(db.session, token_id, actor="admin")
        db.session.commit()

    assert client.get("/api/v1/feeds/medi").status_code == 401


def test_new_version_is_served_at_once_by_the_process_that_published(app, long_cache_app, tmp_path):
    factory.load_contract(long_cache_app, factory.small_contract(tmp_path))
    factory.import_and_publish(long_cache_app, tmp_path, "medi", factory.articles("medi", 3))
    client = bearer_client(long_cache_app, make_token(long_cache_app, eshop="medi"))
    first = _etag(client)
    factory.import_draft(
        long_cache_app, factory.write_price_list(tmp_path, "medi", factory.articles("medi", 4), name="v2.xlsx"), "medi"
    )
    factory.publish(long_cache_app, "medi")
    assert _etag(client) != first


@pytest.mark.skipif(not POSTGRES_URL, reason="cross-process invalidation uses PostgreSQL LISTEN/NOTIFY")
def test_another_app_server_drops_its_cached_version_when_one_publishes(app, long_cache_app, tmp_path):
    factory.load_contract(app, factory.small_contract(tmp_path))
    factory.import_and_publish(app, tmp_path, "medi", factory.articles("medi", 3))
    client = bearer_client(long_cache_app, make_token(app, eshop="medi"))
    first = _etag(client)  # cached in the other "server"
    time.sleep(0.5)  # its listener is connected

    factory.import_draft(
        app, factory.write_price_list(tmp_path, "medi", factory.articles("medi", 4), name="v2.xlsx"), "medi"
    )
    factory.publish(app, "medi")

    deadline = time.monotonic() + 3
    while _etag(client) == first and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _etag(client) != first


def test_fetches_are_counted_then_written_in_one_batch(app, long_cache_app, tmp_path):
    factory.load_contract(app, factory.small_contract(tmp_path))
    factory.import_and_publish(app, tmp_path, "medi", factory.articles("medi", 3))
    client = bearer_client(long_cache_app, make_token(app, eshop="medi"))
    etag = _etag(client)
    for _ in range(3):
        assert client.get("/api/v1/feeds/medi", headers={"If-None-Match": etag}).status_code == 304

    def logged():
        with app.app_context():
            rows = db.session.scalars(select(FeedFetch).order_by(FeedFetch.status)).all()
            return [(r.status, r.count, r.version_number, r.first_at <= r.at) for r in rows]

    assert logged() == []
    assert long_cache_app.extensions["fetch_log"].flush() == 4
    assert logged() == [(200, 1, 1, True), (304, 3, 1, True)]
