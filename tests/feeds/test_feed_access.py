"""Who may read which feed: e-shop tokens see only their own supplier; bad, revoked or leaked tokens are refused."""

from __future__ import annotations

import hashlib
import json

import pytest

from catalog_service.auth.models import ApiToken
from catalog_service.extensions import db
from tests.conftest import bearer_client, make_token, post_upload
from tests.factories import assortments as factory
from tests.helpers import assert_error, audit_entries, database_text, eventually

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


@pytest.mark.parametrize("format_name", ["json", "csv", "xlsx"])
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


# --- missing, malformed and revoked tokens -----------------------------------------------------


def test_no_token_is_401_with_a_bearer_challenge(client):
    response = client.get("/api/v1/feeds/medi")

    assert_error(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer ")


@pytest.mark.parametrize(
    "header",
    [
        "Basic x",
        "Basic dXBwaGFuZGxhcmUxOmhlbWxpZ3Q=",
        "Bearer",
        "Bearer ",
        "Bearer " + "a" * 300,
        "Bearer not-a-token-anyone-was-given",
        "Token abc",
    ],
    ids=["basic", "basic-credentials", "bearer-alone", "bearer-blank", "bearer-300", "unknown", "other-scheme"],
)
def test_malformed_or_unknown_authorization_is_401(app, header):
    client = app.test_client()
    response = client.get("/api/v1/feeds/medi", headers={"Authorization": header})

    assert_error(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer ")


def test_valid_token_under_another_scheme_is_401(app, eshop_tokens):
    response = app.test_client().get("/api/v1/feeds/medi", headers={"Authorization": f"Basic {eshop_tokens['medi']}"})
    assert_error(response, 401)


def test_token_revoked_with_the_cli_is_401_at_once(app, runner):
    created = runner.invoke(args=["token", "create", "--eshop", "medi", "--json", "--actor", "admin"])
    assert created.exit_code == 0, created.output
    token = json.loads(created.stdout)
    client = bearer_client(app, token["token"])
    assert client.get("/api/v1/feeds/medi").status_code == 200

    revoked = runner.invoke(args=["token", "revoke", str(token["id"]), "--actor", "admin"])
    assert revoked.exit_code == 0, revoked.output

    response = client.get("/api/v1/feeds/medi")
    assert_error(response, 401, "invalid_token")
    assert response.headers["WWW-Authenticate"].startswith("Bearer ")
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]
    again = runner.invoke(args=["token", "revoke", str(token["id"]), "--actor", "admin"])
    assert again.exit_code == 1
    assert again.stderr.strip().count("\n") == 0


def test_token_revoked_with_the_service_is_401(app, eshop_tokens):
    from catalog_service.auth.service import hash_token, revoke_token

    client = bearer_client(app, eshop_tokens["essity"])
    assert client.get("/api/v1/feeds/essity").status_code == 200
    with app.app_context():
        token = db.session.scalar(db.select(ApiToken).where(ApiToken.token_hash == hash_token(eshop_tokens["essity"])))
        token_id = token.id
        revoke_token(db.session, token_id, actor="admin")
        db.session.commit()

    assert_error(client.get("/api/v1/feeds/essity"), 401, "invalid_token")
    assert_error(client.get("/api/v1/feeds/essity/changes?since=1"), 401, "invalid_token")
    assert bearer_client(app, eshop_tokens["juzo"]).get("/api/v1/feeds/juzo").status_code == 200
    revokes = audit_entries(app, "token.revoke")
    assert [(e.actor, e.object_id) for e in revokes] == [("admin", str(token_id))]


# --- tokens in the address --------------------------------------------------------------------


@pytest.mark.parametrize("name", ["token", "access_token"])
@pytest.mark.parametrize("with_header", [False, True], ids=["no-header", "with-header"])
def test_token_in_the_query_string_is_refused_and_not_stored(app, eshop_tokens, name, with_header):
    from catalog_service.audit.models import AuditEntry
    from catalog_service.feeds.models import FeedFetch

    raw = eshop_tokens["medi"]
    client = bearer_client(app, raw) if with_header else app.test_client()

    assert_error(client.get(f"/api/v1/feeds/medi?{name}={raw}"), 400, "token_in_query")
    assert_error(client.get(f"/api/v1/feeds/medi/changes?since=1&{name}={raw}"), 400, "token_in_query")
    assert_error(client.get(f"/api/v1/feeds/juzo?{name}={raw}"), 400, "token_in_query")

    with app.app_context():
        audit_text = " ".join(
            f"{e.actor} {e.object_type} {e.object_id} {json.dumps(e.details)}"
            for e in db.session.scalars(db.select(AuditEntry))
        )
        assert db.session.query(FeedFetch).count() == 0
    assert raw not in audit_text
    everything, blobs = database_text(app)
    assert raw not in everything
    assert raw.encode() not in blobs


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


# --- what the database holds --------------------------------------------------------------------


def test_database_holds_only_token_hashes(app, runner, eshop_tokens):
    from catalog_service.auth.service import hash_token

    created = runner.invoke(args=["token", "create", "--eshop", "rama", "--actor", "admin"])
    assert created.exit_code == 0, created.output
    cli_token = created.stdout.strip()
    person_token = make_token(app, roles=("upphandlare",), name="upphandlare9")
    raws = [*eshop_tokens.values(), cli_token, person_token]
    for raw in raws:  # use each once, so fetch and audit rows exist too
        bearer_client(app, raw).get("/api/v1/feeds/rama")

    assert len(set(raws)) == len(raws)
    assert all(len(raw) >= 22 for raw in raws)  # at least 128 bits in URL-safe base64
    everything, blobs = database_text(app)
    for raw in raws:
        assert raw not in everything
        assert raw.encode() not in blobs
    with app.app_context():
        stored = set(db.session.scalars(db.select(ApiToken.token_hash)))
    assert {hash_token(raw) for raw in raws} <= stored
    assert hash_token(cli_token) == hashlib.sha256(cli_token.encode()).hexdigest()


# --- with the token cache on ---------------------------------------------------------------------


def test_revocation_takes_effect_at_once_with_the_cache_on(cached_app, eshop_tokens):
    from catalog_service.auth.service import hash_token, revoke_token

    client = bearer_client(cached_app, eshop_tokens["medi"])
    assert client.get("/api/v1/feeds/medi").status_code == 200  # the token check is now cached
    with cached_app.app_context():
        token_id = db.session.scalar(
            db.select(ApiToken.id).where(ApiToken.token_hash == hash_token(eshop_tokens["medi"]))
        )

    revoked = cached_app.test_cli_runner().invoke(args=["token", "revoke", str(token_id), "--actor", "admin"])
    assert revoked.exit_code == 0, revoked.output
    assert_error(client.get("/api/v1/feeds/medi"), 401, "invalid_token")

    other = bearer_client(cached_app, eshop_tokens["juzo"])
    assert other.get("/api/v1/feeds/juzo").status_code == 200
    with cached_app.app_context():
        juzo_id = db.session.scalar(
            db.select(ApiToken.id).where(ApiToken.token_hash == hash_token(eshop_tokens["juzo"]))
        )
        revoke_token(db.session, juzo_id, actor="admin")
        db.session.commit()
    assert_error(other.get("/api/v1/feeds/juzo"), 401, "invalid_token")


def test_isolation_holds_with_the_cache_on(cached_app, eshop_tokens):
    for owner, token in eshop_tokens.items():
        client = bearer_client(cached_app, token)
        for _ in range(2):  # the second round is served from the caches
            for supplier in factory.SUPPLIERS:
                expected = 200 if supplier == owner else 404
                assert client.get(f"/api/v1/feeds/{supplier}").status_code == expected
    assert len(audit_entries(cached_app, "feed.refused")) == 24


def test_unknown_tokens_are_not_remembered_as_valid(cached_app):
    client = cached_app.test_client()
    for _ in range(2):
        response = client.get("/api/v1/feeds/medi", headers={"Authorization": "Bearer gissad-token-som-inte-finns"})
        assert_error(response, 401, "invalid_token")


def test_revocation_by_another_process_reaches_a_caching_server(app, listening_app, eshop_tokens):
    from catalog_service.auth.service import hash_token

    server = bearer_client(listening_app, eshop_tokens["rama"])
    assert server.get("/api/v1/feeds/rama").status_code == 200  # cached in the server process
    with app.app_context():
        token_id = db.session.scalar(
            db.select(ApiToken.id).where(ApiToken.token_hash == hash_token(eshop_tokens["rama"]))
        )

    revoked = app.test_cli_runner().invoke(args=["token", "revoke", str(token_id), "--actor", "admin"])
    assert revoked.exit_code == 0, revoked.output

    assert eventually(lambda: server.get("/api/v1/feeds/rama").status_code == 401)


@pytest.mark.parametrize("length", [61, 300])
def test_a_long_foreign_supplier_name_is_a_plain_404(app, eshop_tokens, length):
    """The refused attempt is audited even for a long path (a 500 on PostgreSQL once), without the caller's text."""
    client = bearer_client(app, eshop_tokens["juzo"])

    assert_error(client.get("/api/v1/feeds/" + "x" * length), 404, "feed_not_found")

    (entry,) = audit_entries(app, "feed.refused")
    assert entry.object_id == "okänd"  # the path is the caller's free text: only known codes are kept
