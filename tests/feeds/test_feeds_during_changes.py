"""Feeds while the assortment changes (issue 8, point 3): an import or a publish held open in another
thread's transaction leaves e-shops the complete old feed with the old ETag."""

from __future__ import annotations

import pytest

from catalog_service import create_app
from catalog_service.assortment import service as assortment_service
from catalog_service.extensions import db
from catalog_service.pricelists import store
from tests.conftest import bearer_client, make_token
from tests.factories import assortments as factory
from tests.helpers import Worker, held


@pytest.fixture
def reader(app):
    """A second app server on the same database (fetches are logged in batches, as in production)."""
    other = create_app({**app.config, "FETCH_LOG_FLUSH_SECONDS": 60, "CACHE_SECONDS": 0})
    yield other
    other.extensions["fetch_log"].flush()  # now, not at exit when the test database is gone
    with other.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def published_medi(app, tmp_path):
    """Medi's version 1 (40 items) published, and an e-shop token."""
    factory.load_contract(app, factory.small_contract(tmp_path))
    factory.import_and_publish(app, tmp_path, "medi", factory.articles("medi", 40))
    return make_token(app, eshop="medi")


def _fetch(client) -> tuple[str, dict]:
    response = client.get("/api/v1/feeds/medi")
    assert response.status_code == 200, response.get_json()
    return response.headers["ETag"], response.get_json()


def test_the_complete_old_feed_is_served_during_an_import(app, reader, published_medi, tmp_path, monkeypatch):
    eshop = bearer_client(reader, published_medi)
    old_etag, old = _fetch(eshop)
    path = factory.write_price_list(tmp_path, "medi", factory.articles("medi", 9000, start=500), name="ny.xlsx")

    with held(monkeypatch, store, "insert_rows", "import") as hold:
        importing = Worker("import", lambda: factory.import_draft(app, path, "medi"))
        importing.start()
        assert hold.reached.wait(20), "the import never wrote"
        for _ in range(3):
            etag, document = _fetch(eshop)
            assert (etag, document) == (old_etag, old)
            assert eshop.get("/api/v1/feeds/medi", headers={"If-None-Match": old_etag}).status_code == 304
        hold.release()
        importing.outcome()

    assert _fetch(eshop) == (old_etag, old)  # a draft is not published
    assert len(old["items"]) == 40


def test_the_complete_old_feed_is_served_during_a_publish(app, reader, published_medi, tmp_path, monkeypatch):
    eshop = bearer_client(reader, published_medi)
    old_etag, old = _fetch(eshop)
    factory.import_draft(
        app, factory.write_price_list(tmp_path, "medi", factory.articles("medi", 45), name="v2.xlsx"), "medi"
    )

    # Held after the new version's items and feed documents are written, before the commit.
    with held(monkeypatch, assortment_service, "render_documents", "publish") as hold:
        publishing = Worker("publish", lambda: factory.publish(app, "medi"))
        publishing.start()
        assert hold.reached.wait(20), "the publish never wrote"
        for _ in range(3):
            assert _fetch(eshop) == (old_etag, old)
            csv = eshop.get("/api/v1/feeds/medi?format=csv")
            assert csv.status_code == 200 and csv.data.count(b"\n") == 41  # header and the 40 old items
        hold.release()
        assert publishing.outcome() == 2

    new_etag, new = _fetch(eshop)
    assert new_etag != old_etag and new["version"] == 2 and len(new["items"]) == 45
