"""API clients, the bearer side (issue 8, point 2), beyond tests/feeds/test_feed_access.py:
every API endpoint demands a token, a token in the address never reaches the logs, oversized
headers are refused, and a database dump (pg_dump, sqlite3 .dump) holds only token hashes.
(Rate limiting of bursts belongs to the login work.)"""

from __future__ import annotations

import logging
import re
import shutil
import sqlite3
import subprocess

import pytest
from sqlalchemy.engine import make_url

from catalog_service.auth.service import hash_token
from catalog_service.logs import JsonLines
from tests.conftest import bearer_client, make_token
from tests.helpers import assert_error

PUBLIC = {"/healthz", "/readyz", "/api/v1/openapi.json", "/api/v1/docs", "/api/v1/docs/"}


def api_routes(app) -> list[tuple[str, str]]:
    """(method, concrete path) of every /api/v1 endpoint except the public documents."""
    routes = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or rule.rule in PUBLIC or "/docs" in rule.rule:
            continue
        path = re.sub(r"<(?:int:)?(\w+)>", lambda m: "1" if "int:" in m.group(0) else "medi", rule.rule)
        routes += [(method, path) for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return routes


def test_every_api_endpoint_without_a_token_is_401_with_a_bearer_challenge(app):
    client = app.test_client()
    routes = api_routes(app)
    assert len(routes) >= 10
    for method, path in routes:
        response = client.open(path, method=method)
        assert_error(response, 401, "missing_token")
        assert response.headers["WWW-Authenticate"].startswith('Bearer realm="catalog"'), (method, path)


@pytest.mark.parametrize("header", ["Bearer abc def", "bearer\tx", "Bearer \x00", "Bearer åäö"])
def test_odd_authorization_values_are_401_not_500(app, header):
    response = app.test_client().get("/api/v1/feeds/medi", headers={"Authorization": header})
    assert_error(response, 401)


def test_a_token_in_the_address_reaches_neither_the_logs_nor_the_answer(app, caplog):
    raw = make_token(app, eshop="medi")
    client = bearer_client(app, raw)
    with caplog.at_level(logging.DEBUG):
        response = client.get(f"/api/v1/feeds/medi?token={raw}", headers={"X-Request-ID": "leak-check-0001"})
    assert_error(response, 400, "token_in_query")
    assert raw not in response.get_data(as_text=True)

    lines = [JsonLines().format(record) for record in caplog.records]
    assert lines and all(raw not in line and raw[:20] not in line for line in lines)
    access = [r for r in caplog.records if r.name == "catalog_service.access"]
    assert [(r.fields["path"], r.fields["status"], r.request_id) for r in access] == [
        ("/api/v1/feeds/medi", 400, "leak-check-0001")
    ]


@pytest.mark.parametrize(
    ("name", "size"),
    [("Authorization", 1025), ("Authorization", 64 * 1024), ("X-Padding", 8191), ("User-Agent", 100 * 1024)],
)
def test_oversized_headers_are_431_before_any_token_look_up(app, name, size, monkeypatch):
    from catalog_service.auth import http

    looked_up = []
    monkeypatch.setattr(http, "hash_token", lambda raw: looked_up.append(raw) or hash_token(raw))
    value = ("Bearer " if name == "Authorization" else "") + "a" * size
    response = app.test_client().get("/api/v1/feeds/medi", headers={name: value})

    error = assert_error(response, 431, "request_header_fields_too_large")
    assert error["details"] == {"max_authorization_bytes": 1024, "max_header_bytes": 8190}
    assert looked_up == []


def test_an_authorization_header_at_the_limit_is_an_ordinary_401(app):
    response = app.test_client().get("/api/v1/feeds/medi", headers={"Authorization": "Bearer " + "a" * 1017})
    assert_error(response, 401, "invalid_token")


# --- a dump of the database -----------------------------------------------------------------------


def database_dump(database_url: str) -> str:
    """The whole database as SQL text: sqlite3's iterdump, or pg_dump (data and schema)."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        with sqlite3.connect(url.database) as connection:
            return "\n".join(connection.iterdump())
    if shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed")
    plain = url.set(drivername="postgresql").render_as_string(hide_password=False)
    return subprocess.run(["pg_dump", "--no-owner", plain], check=True, capture_output=True, text=True).stdout


def test_a_database_dump_holds_token_hashes_and_never_a_token(app, runner, database_url):
    raws = [make_token(app, eshop=supplier) for supplier in ("medi", "juzo")]
    raws.append(make_token(app, roles=("upphandlare",), name="upphandlare1"))
    created = runner.invoke(args=["token", "create", "--eshop", "rama", "--actor", "admin"])
    assert created.exit_code == 0, created.output
    raws.append(created.stdout.strip())
    for raw in raws:  # each used once, so fetch and audit rows that could hold it exist
        bearer_client(app, raw).get("/api/v1/feeds/rama")
        bearer_client(app, raw).get(f"/api/v1/feeds/rama?access_token={raw}")

    dump = database_dump(database_url)

    assert "api_tokens" in dump
    for raw in raws:
        assert hash_token(raw) in dump
        assert raw not in dump and raw[8:] not in dump  # the stored prefix (8 characters) tells tokens apart
