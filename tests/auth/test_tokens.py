"""API tokens: missing, malformed, revoked and leaked tokens are refused, the database holds only their hashes,
and revocation reaches servers that cache token checks. Exercised on the feed endpoints, with every supplier's
feed published (moved from tests/feeds/test_feed_access.py)."""

from __future__ import annotations

import hashlib
import json

import pytest

from catalog_service.auth.models import ApiToken
from catalog_service.extensions import db
from tests.conftest import bearer_client, make_token
from tests.helpers import assert_error, audit_entries, database_text, eventually

pytestmark = pytest.mark.usefixtures("published")


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
