"""A real OpenID provider for the login tests: oidc-provider-mock (Authlib's server, a login form, JWKS,
end-session) served over HTTP on loopback in a thread.

A ``Tap`` on the provider's own responses records every ID token it issues, and on request alters the
next one the way an attacker or a broken provider would (re-signed with another key, another audience,
expired, or an earlier token with its old nonce). Our app talks to the provider only over HTTP.
"""

from __future__ import annotations

import base64
import json
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import quote

import pytest
import requests

# The provider (oidc-provider-mock) uses Authlib's server APIs that newer Authlib deprecates; its warnings,
# raised in its own thread, are not ours. Test modules that run it carry these marks.
PROVIDER_WARNINGS = [
    pytest.mark.filterwarnings(r"ignore:get_jwt_config\(self, grant\) is deprecated:DeprecationWarning"),
    pytest.mark.filterwarnings("ignore:authlib.jose module is deprecated"),
    pytest.mark.filterwarnings("ignore:The httpx module is deprecated"),
]

ROLE_MAP = "region-hmc=hmc;CN=Upphandling,OU=Grupper,DC=region=upphandlare"
HMC_GROUP, OFFICER_GROUP = "region-hmc", "CN=Upphandling,OU=Grupper,DC=region"
CLIENT_ID, CLIENT_SECRET = "hmc-katalog", "client-secret-for-tests"


def claims_of(id_token: str) -> dict:
    """The payload of a JWT, read without checking anything (for the test's own eyes only)."""
    payload = id_token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


@dataclass
class Tap:
    issued: list[str] = field(default_factory=list)  # ID tokens as the provider issued them
    forge: str | None = None  # what to do to the next ID token: see _forged

    def after(self, response):
        from flask import request

        if request.path != "/oauth2/token" or response.status_code != 200:
            return response
        body = response.get_json()
        if "id_token" in body:
            self.issued.append(body["id_token"])
            if self.forge:
                body["id_token"], self.forge = self._forged(body["id_token"], self.forge), None
                response.set_data(json.dumps(body))
        return response

    def _forged(self, id_token: str, how: str) -> str:
        from flask import g
        from joserfc import jwt
        from joserfc.jwk import RSAKey

        if how == "replayed_nonce":
            return self.issued[-2]  # an earlier login's token, with that login's nonce
        key = RSAKey.import_key(g.oidc_provider_mock_storage.jwk.as_dict(is_private=True))
        header = {"alg": "RS256", "kid": key.kid}
        claims = claims_of(id_token)
        if how == "wrong_signature":
            key = RSAKey.generate_key(2048, {"kid": key.kid})  # same key id, another key
        elif how == "wrong_audience":
            claims["aud"], claims["azp"] = "another-client", CLIENT_ID  # azp alone must not let it through
        elif how == "wrong_issuer":
            claims["iss"] = "https://idp.example"
        elif how == "expired":
            claims["iat"], claims["exp"] = int(time.time()) - 7200, int(time.time()) - 3600
        return jwt.encode(header, claims, key)


@dataclass
class Provider:
    url: str
    tap: Tap

    def add_person(self, sub: str, **claims) -> None:
        response = requests.put(f"{self.url}/users/{quote(sub, safe='')}", json=claims, timeout=10)
        assert response.status_code == 204, response.text

    def settings(self, **extra) -> dict:
        """Our app's settings for this provider."""
        return {
            "OIDC_ISSUER": self.url,
            "OIDC_CLIENT_ID": CLIENT_ID,
            "OIDC_CLIENT_SECRET": CLIENT_SECRET,
            "OIDC_ROLE_MAP": ROLE_MAP,
            **extra,
        }


@contextmanager
def running_provider():
    """The provider on a free loopback port; stopped when the block ends."""
    import oidc_provider_mock
    from werkzeug.serving import make_server

    app = oidc_provider_mock.app(require_nonce=True)
    tap = Tap()
    app.after_request(tap.after)
    server = make_server("localhost", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="oidc-provider", daemon=True)
    thread.start()
    try:
        yield Provider(f"http://localhost:{server.server_port}", tap)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
