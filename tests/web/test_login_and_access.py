"""Login, sessions, CSRF, rate limits, security headers, and the role check on every page."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from catalog_service import create_app
from catalog_service.audit.models import AuditEntry
from catalog_service.extensions import db
from tests.conftest import PASSWORD, bearer_client, csrf_from, login, make_person, make_token, page_client

# Endpoints that anyone may open: the login page itself, health, static files, the API (its own auth), /metrics.
PUBLIC = {
    # the steps of a login: the second factor, the identity provider's redirect and callback
    "mfa.verify",
    "mfa.enrol",
    "oidc.start",
    "oidc.callback",
    "login.login",
    "login.logout",
    "web.healthz",
    "web.accessibility",
    "health.readyz",
    "metrics.metrics",  # its own check: loopback or an admin's token (tests/test_metrics.py)
    "web.static",
    "docs_assets.swagger_ui_asset",
    "static",
}


def _page_rules(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC or rule.rule.startswith("/api/"):
            continue
        yield rule


def test_every_page_checks_its_roles(app):
    rules = list(_page_rules(app))
    assert len(rules) >= 4
    unprotected = [rule.rule for rule in rules if not getattr(app.view_functions[rule.endpoint], "page_roles", None)]
    assert unprotected == []


def test_anonymous_visitors_are_sent_to_login(app, client):
    for rule in _page_rules(app):
        if "GET" not in rule.methods or rule.arguments:
            continue
        response = client.get(rule.rule)
        assert response.status_code == 302, rule.rule
        assert response.headers["Location"].startswith("/login?next="), rule.rule


def test_every_page_refuses_each_role_it_does_not_name(app):
    from catalog_service.auth.models import Role

    clients = {role: page_client(app, role.value, name=f"{role.value}-1") for role in Role if role is not Role.admin}
    checked = 0
    for rule in _page_rules(app):
        if "GET" not in rule.methods or rule.arguments:
            continue
        allowed = set(app.view_functions[rule.endpoint].page_roles)
        for role, client in clients.items():
            response = client.get(rule.rule)
            if role in allowed:
                assert response.status_code != 403, (rule.rule, role)
            else:
                assert response.status_code == 403, (rule.rule, role)
                assert "Åtkomst nekad" in response.text
                checked += 1
    assert checked >= 4


def test_a_person_without_the_role_gets_the_403_page(app):
    prescriber = page_client(app, "forskrivare", name="forskrivare1")
    response = prescriber.get("/", headers={"Accept": "text/html"})
    assert response.status_code == 403
    assert "Åtkomst nekad" in response.text and "<html" in response.text
    assert prescriber.get("/orders").status_code == 200  # their own page opens


def test_an_eshop_token_never_opens_a_page(app, sample_contract):
    eshop = bearer_client(app, make_token(app, eshop="juzo"))
    assert eshop.get("/").status_code == 302
    person_token = bearer_client(app, make_token(app, roles=("upphandlare",), name="api-person"))
    assert person_token.get("/").status_code == 302  # API tokens are for the API only


def test_login_logout_and_where_it_leads(app, client):
    make_person(app, "upphandlare1", ("upphandlare",))
    page = client.get("/login?next=/orders/delivery")
    response = client.post(
        "/login",
        data={
            "name": "upphandlare1",
            "password": PASSWORD,
            "next": "/orders/delivery",
            "csrf_token": csrf_from(page.text),
        },
    )
    assert response.status_code == 302 and response.headers["Location"] == "/orders/delivery"
    overview = client.get("/")
    assert overview.status_code == 200 and "upphandlare1" in overview.text
    logout = client.post("/logout", data={"csrf_token": csrf_from(overview.text)})
    assert logout.status_code == 302
    assert client.get("/").status_code == 302
    with app.app_context():
        actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions[-2:] == ["user.login", "user.logout"]


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:x"])
def test_login_never_redirects_to_another_site(app, client, target):
    make_person(app, "upphandlare1", ("upphandlare",))
    page = client.get("/login")
    response = client.post(
        "/login",
        data={"name": "upphandlare1", "password": PASSWORD, "next": target, "csrf_token": csrf_from(page.text)},
    )
    assert response.headers["Location"] == "/start"  # the start page: every role may open it


def test_wrong_password_is_refused_without_saying_which_part_was_wrong(app, client):
    make_person(app, "upphandlare1", ("upphandlare",))
    wrong_password = login(client, "upphandlare1", "fel")
    unknown_name = login(client, "ingen-sådan", "fel")
    for response in (wrong_password, unknown_name):
        assert response.status_code == 401
        assert "Fel användarnamn eller lösenord." in response.text
    assert client.get("/").status_code == 302
    with app.app_context():
        failed = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "user.login_failed")).all()
    assert len(failed) == 2 and all("ingen-sådan" not in str(entry.details) for entry in failed)


def test_a_failed_login_keeps_the_typed_name_but_never_the_password(app, client):
    make_person(app, "upphandlare1", ("upphandlare",))
    response = login(client, "upphandlare1", "hemligt-fel")
    assert response.status_code == 401
    assert 'name="name" value="upphandlare1"' in response.text and "hemligt-fel" not in response.text
    password_field = response.text.split('name="password"')[1].split(">")[0]
    assert "autofocus" in password_field  # the person goes on typing the password

    empty = client.get("/login").text
    assert 'name="name" value=""' in empty


@pytest.mark.parametrize("typed", ["19121212-1212", "anna.andersson@example.com", '"><script>x()</script>'])
def test_a_failed_login_shows_no_personal_data_or_markup_typed_as_the_name(app, client, typed):
    response = login(client, typed, "fel")
    assert response.status_code == 401 and "Fel användarnamn eller lösenord." in response.text
    assert typed not in response.text and "<script>x()" not in response.text


def test_login_attempts_are_rate_limited(app, client):
    make_person(app, "upphandlare1", ("upphandlare",))
    statuses = [login(client, "upphandlare1", f"gissning-{n}").status_code for n in range(6)]
    assert statuses == [401] * 5 + [429]
    blocked = login(client, "upphandlare1")  # even the right password waits now
    assert blocked.status_code == 429 and "Retry-After" in blocked.headers
    assert "För många försök" in blocked.text
    assert client.get("/").status_code == 302


def test_successful_logins_do_not_use_up_the_limit(app):
    make_person(app, "upphandlare1", ("upphandlare",))
    for _ in range(8):
        client = app.test_client()
        assert login(client, "upphandlare1").status_code == 302


def test_a_form_post_without_the_csrf_token_is_refused(app):
    client = page_client(app, "hmc", name="hmc1")
    response = client.post("/logout", headers={"Accept": "text/html"})
    assert response.status_code == 400
    assert "säkerhetstoken" in response.text
    assert client.get("/orders").status_code == 200  # still logged in: the post did nothing
    forged = client.post("/logout", data={"csrf_token": "forged"})
    assert forged.status_code == 400


def test_login_itself_needs_the_csrf_token(app, client):
    make_person(app, "upphandlare1", ("upphandlare",))
    response = client.post("/login", data={"name": "upphandlare1", "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/").status_code == 302


def test_session_cookie_flags_outside_development(app, database_url):  # app: the database is cleaned after
    production = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "x" * 32, "CACHE_LISTEN": False})
    make_person(production, "upphandlare1", ("upphandlare",))
    client = production.test_client()
    page = client.get("/login", base_url="https://catalog.example")
    response = client.post(
        "/login",
        base_url="https://catalog.example",
        data={"name": "upphandlare1", "password": PASSWORD, "csrf_token": csrf_from(page.text)},
    )
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "Secure" in cookie and "SameSite=Lax" in cookie
    with production.app_context():
        db.engine.dispose()


def test_a_password_change_ends_old_sessions(app):
    from werkzeug.security import generate_password_hash

    from catalog_service.auth.models import User

    client = page_client(app, "hmc", name="hmc1")
    with app.app_context():
        user = db.session.scalar(select(User).where(User.name == "hmc1"))
        user.password_hash = generate_password_hash("nytt lösenord för hmc1")
        db.session.commit()
    assert client.get("/orders").status_code == 302


def test_security_headers_on_pages_api_and_feeds(app, client):
    for path in ("/login", "/api/v1/openapi.json", "/healthz", "/api/v1/feeds/juzo"):
        headers = client.get(path).headers
        assert headers["X-Frame-Options"] == "DENY", path
        assert headers["X-Content-Type-Options"] == "nosniff", path
        assert headers["Referrer-Policy"] == "same-origin", path
        policy = headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in policy and "script-src 'self'" in policy, path
        assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0], path


def test_the_api_accepts_a_session_with_the_csrf_header_for_writes(app, sample_contract):
    client = page_client(app, "upphandlare", name="upphandlare1")
    assert client.get("/api/v1/pricelists").status_code == 200  # reads need only the session
    token = csrf_from(client.get("/").text)
    without = client.post("/api/v1/suppliers/juzo/publish", json={})
    assert without.status_code == 403 and without.json["error"]["code"] == "csrf"
    with_header = client.post("/api/v1/suppliers/juzo/publish", json={}, headers={"X-CSRFToken": token})
    assert with_header.status_code != 403  # past the check: the service answers (no draft here)
    with app.app_context():
        versions = db.session.execute(select(func.count()).select_from(AuditEntry)).scalar()
    assert versions >= 1


def test_api_bursts_get_429_per_token_while_others_go_on(app, sample_contract):
    app.config["API_RATE_LIMIT"] = "3 per minute"
    juzo = bearer_client(app, make_token(app, eshop="juzo"))
    medi = bearer_client(app, make_token(app, eshop="medi"))
    statuses = [juzo.get("/api/v1/feeds/juzo").status_code for _ in range(4)]
    assert statuses[:3] != [429] * 3 and statuses[3] == 429
    refused = juzo.get("/api/v1/feeds/juzo")
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert refused.json["error"]["code"] == "too_many_requests"
    assert medi.get("/api/v1/feeds/medi").status_code != 429


def test_login_limits_are_shared_between_app_servers_through_redis(app, database_url):  # app: cleaned after
    """Several app servers count failed logins together when the limiter's storage is Redis."""
    import uuid

    import redis

    try:
        redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis at 127.0.0.1:6379")
    config = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "CACHE_LISTEN": False,
        "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0",
        "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}",  # this test's own counters
    }
    first, second = create_app(config), create_app(config)
    make_person(first, "upphandlare1", ("upphandlare",))
    statuses = [login(first.test_client(), "upphandlare1", "fel").status_code for _ in range(3)]
    statuses += [login(second.test_client(), "upphandlare1", "fel").status_code for _ in range(3)]
    assert statuses == [401] * 5 + [429]  # the second server saw the first one's failures
    for server in (first, second):
        with server.app_context():
            db.engine.dispose()


def test_passwords_are_stored_as_scrypt_hashes(app, monkeypatch):
    from catalog_service.auth import service
    from catalog_service.auth.models import User

    monkeypatch.setattr(service, "PASSWORD_METHOD", "scrypt")  # the suite's fast hashing off: the real thing
    make_person(app, "upphandlare1", ("upphandlare",))
    with app.app_context():
        stored = db.session.scalar(select(User.password_hash).where(User.name == "upphandlare1"))
    assert stored.startswith("scrypt:") and PASSWORD not in stored
    assert login(app.test_client(), "upphandlare1").status_code == 302
