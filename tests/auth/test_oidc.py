"""Login through the region's identity provider, against a real OpenID provider on loopback.

The person's side of the flow (the provider's login form) is driven with requests; our app is the
Flask test client, which reaches the provider over HTTP for discovery, the token and the JWKS.
"""

from __future__ import annotations

import logging
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from sqlalchemy import select

from catalog_service.audit.models import AuditEntry
from catalog_service.auth.models import User
from catalog_service.extensions import db
from tests.helpers import database_text
from tests.oidc_provider import HMC_GROUP, OFFICER_GROUP, PROVIDER_WARNINGS, claims_of, running_provider

pytestmark = PROVIDER_WARNINGS
SUBJECT = "hsa-SE2321000016-7x9k"


@pytest.fixture(scope="module")
def provider():
    with running_provider() as running:
        yield running


def authorize(client, provider, sub: str, *, next_page: str | None = None):
    """Start the login at our app, answer the provider's form as ``sub``; the callback URL the provider
    sends the browser back to (path and query, on our app)."""
    start = client.get("/login/oidc", query_string={"next": next_page} if next_page else None)
    assert start.status_code == 302, start.text
    answer = requests.post(start.headers["Location"], data={"sub": sub}, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    back = urlsplit(answer.headers["Location"])
    return f"{back.path}?{back.query}"


def oidc_login(client, provider, sub: str = SUBJECT):
    return client.get(authorize(client, provider, sub))


def people(app) -> list[User]:
    with app.app_context():
        return list(db.session.scalars(select(User)))


def test_the_login_page_offers_the_organisations_account_first(client):
    page = client.get("/login").text
    assert "Logga in med organisationens konto" in page
    assert page.index("Logga in med organisationens konto") < page.index('name="password"')


def test_the_provider_is_asked_with_pkce_a_state_and_a_nonce(client, provider):
    start = client.get("/login/oidc")
    query = parse_qs(urlsplit(start.headers["Location"]).query)
    assert start.headers["Location"].startswith(f"{provider.url}/oauth2/authorize?")
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) >= 43
    assert query["state"][0] and query["nonce"][0]
    assert query["redirect_uri"] == ["http://localhost/login/oidc/callback"]
    assert "openid" in query["scope"][0].split()


def test_two_groups_give_two_roles_and_the_person_lands_where_they_were_headed(app, client, provider):
    provider.add_person(SUBJECT, preferred_username="anna.upph", groups=[HMC_GROUP, OFFICER_GROUP, "region-other"])
    response = client.get(authorize(client, provider, SUBJECT, next_page="/orders"))
    assert response.status_code == 302 and response.headers["Location"] == "/orders"
    assert client.get("/orders").status_code == 200
    [person] = people(app)
    assert (person.name, person.subject, person.roles, person.password_hash) == (
        "anna.upph",
        SUBJECT,
        ["hmc", "upphandlare"],
        None,
    )


def test_roles_are_evaluated_again_at_each_login(app, client, provider):
    provider.add_person(SUBJECT, preferred_username="anna.upph", groups=[HMC_GROUP, OFFICER_GROUP])
    assert oidc_login(client, provider).status_code == 302
    provider.add_person(SUBJECT, preferred_username="anna.upph", groups=[HMC_GROUP])
    again = app.test_client()
    assert oidc_login(again, provider).status_code == 302
    [person] = people(app)
    assert person.roles == ["hmc"]
    assert again.get("/pricelists/upload").status_code == 403  # the officer's page is gone with the group
    with app.app_context():
        changes = list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == "user.update")))
    assert [c.details["roles"] for c in changes] == [[["hmc", "upphandlare"], ["hmc"]]]


def test_without_a_group_that_gives_a_role_the_login_is_refused_and_nothing_is_stored(app, client, provider):
    before = database_text(app)
    provider.add_person("hsa-no-role-1", preferred_username="utan.roll", groups=["region-other"])
    response = oidc_login(client, provider, "hsa-no-role-1")
    assert response.status_code == 403
    assert "Inloggningen nekades" in response.text and "inte behörighet till katalogtjänsten" in response.text
    assert people(app) == []
    assert database_text(app) == before
    assert client.get("/").status_code == 302  # not logged in


def test_a_subject_that_is_a_personal_identity_number_is_refused(app, client, provider):
    provider.add_person("19121212-1212", preferred_username="tolvan", groups=[HMC_GROUP])
    response = oidc_login(client, provider, "19121212-1212")
    assert response.status_code == 403 and "personuppgifter" in response.text
    assert "19121212-1212" not in response.text and people(app) == []


PERSONAL = {
    "personal_identity_number": "19121212-1212",
    "email": "anna.andersson@region.example",
    "phone_number": "070-123 45 67",
    "name": "Anna Andersson",
    "given_name": "Anna",
    "family_name": "Andersson",
}


@pytest.mark.parametrize("app_config", ["personal claims"], indirect=True)
def test_personal_claims_are_never_stored_logged_or_shown(app, provider, caplog, capfd):
    caplog.set_level(logging.DEBUG)
    client = app.test_client()
    provider.add_person(
        "hsa-pii-1", preferred_username="anna.andersson@region.example", groups=[OFFICER_GROUP], **PERSONAL
    )
    pages = [client.get("/login").text]
    callback = client.get(authorize(client, provider, "hsa-pii-1"))
    pages.append(callback.text)
    sent = claims_of(provider.tap.issued[-1])
    assert {key: sent[key] for key in PERSONAL} == PERSONAL  # the provider did send them all
    assert callback.status_code == 302
    for path in ("/", "/pricelists/upload", "/versions", "/audit", "/orders", "/login"):
        pages.append(client.get(path, follow_redirects=True).text)
    pages.append(client.post("/logout", data={"csrf_token": _csrf(pages[1:])}).text)
    [person] = people(app)
    assert person.name == "anna.andersson"  # the part before @ only
    text, blobs = database_text(app)
    logs = caplog.text + "".join(capfd.readouterr())
    for value in PERSONAL.values():
        for surname in (value, value.split()[-1]) if value.startswith("Anna") else (value,):
            assert surname not in text and surname.encode() not in blobs
            assert surname not in logs
            assert all(surname not in page for page in pages)
    assert "region.example" not in text and "121212" not in text


def _csrf(pages: list[str]) -> str:
    from tests.conftest import csrf_from

    return next(csrf_from(page) for page in pages if 'name="csrf_token"' in page)


@pytest.fixture(name="app_config")
def _app_config(request, provider):
    """The provider's settings; "personal claims" also asks for the e-mail and phone scopes, so that the
    provider sends those claims."""
    scope = "openid profile email phone" if getattr(request, "param", None) == "personal claims" else "openid profile"
    return provider.settings(OIDC_SCOPE=scope)


@pytest.mark.parametrize("forgery", ["wrong_signature", "wrong_audience", "wrong_issuer", "expired", "replayed_nonce"])
def test_a_forged_id_token_is_refused(app, provider, forgery, caplog):
    provider.add_person(SUBJECT, preferred_username="anna.upph", groups=[HMC_GROUP])
    if forgery == "replayed_nonce":
        assert oidc_login(app.test_client(), provider).status_code == 302  # an earlier, genuine login
    before = database_text(app)
    client = app.test_client()
    callback = authorize(client, provider, SUBJECT)
    provider.tap.forge = forgery
    response = client.get(callback)
    assert provider.tap.forge is None  # the provider's answer was altered
    assert response.status_code == 401
    assert "kunde inte verifieras" in response.text
    assert client.get("/").status_code == 302
    assert database_text(app) == before


def test_a_replayed_callback_is_refused(app, provider):
    provider.add_person(SUBJECT, preferred_username="anna.upph", groups=[HMC_GROUP])
    client = app.test_client()
    callback = authorize(client, provider, SUBJECT)
    cookie = client.get_cookie("hmc_session").value  # the session holding state, nonce and PKCE verifier
    assert client.get(callback).status_code == 302
    assert client.get(callback).status_code == 401  # the same browser again: its state is used up
    thief = app.test_client()
    thief.set_cookie("hmc_session", cookie, domain="localhost")  # a copy of the cookie from before the callback
    replay = thief.get(callback)
    assert replay.status_code == 401
    assert thief.get("/").status_code == 302


def test_failed_callbacks_count_against_the_login_rate_limit(app, provider):
    assert app.config["LOGIN_RATE_LIMIT"].startswith("5 per minute")
    client = app.test_client()
    statuses = [client.get(f"/login/oidc/callback?code=x&state=made-up-{n}").status_code for n in range(6)]
    assert statuses == [401] * 5 + [429]


def test_logout_ends_the_providers_session_too(client, provider):
    provider.add_person(SUBJECT, preferred_username="anna.upph", groups=[HMC_GROUP])
    assert oidc_login(client, provider).status_code == 302
    page = client.get("/orders").text
    from tests.conftest import csrf_from

    response = client.post("/logout", data={"csrf_token": csrf_from(page)})
    location = urlsplit(response.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == f"{provider.url}/oauth2/end_session"
    query = parse_qs(location.query)
    assert query["post_logout_redirect_uri"] == ["http://localhost/login"]
    assert query["client_id"] == ["hmc-katalog"]
    assert client.get("/orders").status_code == 302
    ended = requests.get(response.headers["Location"], timeout=10)  # the provider's own logout page answers
    assert ended.status_code == 200


def test_a_role_mapping_that_cannot_work_stops_the_start(provider):
    from catalog_service import create_app

    with pytest.raises(ValueError, match="CATALOG_OIDC_ROLE_MAP"):
        create_app({"TESTING": True, **provider.settings(OIDC_ROLE_MAP="region-hmc=chef")})
