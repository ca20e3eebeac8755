"""Who may read which feed: e-shop tokens see only their own supplier (bad, revoked and leaked tokens: tests/auth)."""

from __future__ import annotations

import pytest

from catalog_service.extensions import db
from tests.conftest import bearer_client, make_token, post_upload
from tests.factories import assortments as factory
from tests.helpers import assert_error, audit_entries

pytestmark = pytest.mark.usefixtures("published")


# --- isolation ---------------------------------------------------------------------------------


def test_each_eshop_token_reads_only_its_own_supplier(app, eshop_tokens):
    for owner, token in eshop_tokens.items():
        client = bearer_client(app, token)
        for supplier in factory.SUPPLIERS:
            response = client.get(f"/api/v1/feeds/{supplier}")
            if supplier == owner:
                assert response.status_code == 200
                document = response.get_json()
                assert document["supplier"] == owner
                assert {i["article_number"][:3] for i in document["items"]} == {factory.PREFIX[owner]}
            else:
                assert_error(response, 404)

    refused = audit_entries(app, "feed.refused")
    assert len(refused) == 12
    assert sorted((e.actor, e.object_id) for e in refused) == sorted(
        (f"eshop:{owner}", other) for owner in factory.SUPPLIERS for other in factory.SUPPLIERS if other != owner
    )
    assert all(e.object_type == "feed" and e.details.get("token_id") for e in refused)


def test_refused_feed_looks_like_a_feed_that_does_not_exist(app, eshop_tokens):
    client = bearer_client(app, eshop_tokens["juzo"])

    foreign = client.get("/api/v1/feeds/medi")
    missing = client.get("/api/v1/feeds/finnsinte")

    assert foreign.status_code == missing.status_code == 404
    assert foreign.get_json() == missing.get_json()
    assert len(audit_entries(app, "feed.refused")) == 2


@pytest.mark.parametrize("format_name", ["json", "csv", "xlsx", "peppol"])
def test_every_format_of_a_foreign_feed_is_refused(app, eshop_tokens, format_name):
    client = bearer_client(app, eshop_tokens["rama"])
    assert_error(client.get(f"/api/v1/feeds/essity?format={format_name}"), 404)
    assert client.get(f"/api/v1/feeds/rama?format={format_name}").status_code == 200


def test_changes_of_a_foreign_feed_are_refused_and_audited(app, eshop_tokens):
    client = bearer_client(app, eshop_tokens["medi"])

    assert client.get("/api/v1/feeds/medi/changes?since=1").status_code == 200
    assert_error(client.get("/api/v1/feeds/juzo/changes?since=1"), 404)

    (entry,) = audit_entries(app, "feed.refused")
    assert (entry.actor, entry.object_id) == ("eshop:medi", "juzo")


def test_supplier_in_the_path_is_case_insensitive_for_the_owner(app, eshop_tokens):
    response = bearer_client(app, eshop_tokens["medi"]).get("/api/v1/feeds/MEDI")
    assert response.status_code == 200
    assert response.get_json()["supplier"] == "medi"


def test_fetches_by_refused_tokens_are_not_logged_as_fetches(app, eshop_tokens):
    from catalog_service.feeds.models import FeedFetch

    bearer_client(app, eshop_tokens["juzo"]).get("/api/v1/feeds/medi")
    with app.app_context():
        assert db.session.query(FeedFetch).count() == 0


# --- roles -------------------------------------------------------------------------------------


def test_eshop_token_cannot_upload_review_publish_or_roll_back(app, eshop_tokens, tmp_path):
    client = bearer_client(app, eshop_tokens["medi"])
    path = factory.write_price_list(tmp_path, "medi", factory.articles("medi", 2, start=50))

    assert_error(post_upload(client, path, "medi"), 403, "forbidden")
    assert_error(client.post("/api/v1/suppliers/medi/publish", json={}), 403, "forbidden")
    assert_error(client.post("/api/v1/suppliers/medi/rollback", json={"to_version": 1, "reason": "x"}), 403)
    assert_error(client.get("/api/v1/suppliers/medi/versions"), 403)
    assert_error(client.get("/api/v1/pricelists"), 403)
    assert_error(client.get("/api/v1/audit"), 403)
    assert_error(client.get("/api/v1/feeds/medi/fetches"), 403)

    from catalog_service.assortment.models import AssortmentVersion
    from catalog_service.pricelists.models import PriceListImport

    with app.app_context():
        assert db.session.query(AssortmentVersion).filter_by(supplier="medi").count() == 1
        assert db.session.query(PriceListImport).filter_by(supplier="medi").count() == 1


def test_a_prescriber_cannot_read_feeds(app):
    client = bearer_client(app, make_token(app, roles=("forskrivare",), name="forskrivare1"))

    assert_error(client.get("/api/v1/feeds/medi"), 403, "forbidden")
    assert_error(client.get("/api/v1/feeds/medi/changes?since=1"), 403, "forbidden")


@pytest.mark.parametrize("role", ["upphandlare", "hmc", "admin"])
def test_staff_read_every_supplier_feed(app, role):
    client = bearer_client(app, make_token(app, roles=(role,), name=f"{role}1"))
    for supplier in factory.SUPPLIERS:
        assert client.get(f"/api/v1/feeds/{supplier}").get_json()["supplier"] == supplier
    assert audit_entries(app, "feed.refused") == []


# --- with the caches on ---------------------------------------------------------------------


def test_isolation_holds_with_the_cache_on(cached_app, eshop_tokens):
    for owner, token in eshop_tokens.items():
        client = bearer_client(cached_app, token)
        for _ in range(2):  # the second round is served from the caches
            for supplier in factory.SUPPLIERS:
                expected = 200 if supplier == owner else 404
                assert client.get(f"/api/v1/feeds/{supplier}").status_code == expected
    assert len(audit_entries(cached_app, "feed.refused")) == 24


@pytest.mark.parametrize("length", [61, 300])
def test_a_long_foreign_supplier_name_is_a_plain_404(app, eshop_tokens, length):
    """The refused attempt is audited even for a long path (a 500 on PostgreSQL once), without the caller's text."""
    client = bearer_client(app, eshop_tokens["juzo"])

    assert_error(client.get("/api/v1/feeds/" + "x" * length), 404, "feed_not_found")

    (entry,) = audit_entries(app, "feed.refused")
    assert entry.object_id == "okänd"  # the path is the caller's free text: only known codes are kept
