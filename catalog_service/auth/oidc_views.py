"""The two steps of a login through the region's identity provider: the redirect there, and the callback.

The callback is rate-limited like the password login (per client address): every callback that fails
verification (a forged or expired ID token, a replayed state or nonce, a wrong code) counts as a failed
login. What went wrong is logged by its kind only, never with a claim or a token.
"""

from __future__ import annotations

import logging

from authlib.common.errors import AuthlibBaseError
from flask import Blueprint, abort, current_app, redirect, render_template, request, session, url_for
from joserfc.errors import JoseError

from ..audit.service import record
from ..extensions import db
from ..transactions import discard
from ..web.access import log_in, safe_next
from . import oidc
from .ratelimit import check_login_allowed, count_failed_login

bp = Blueprint("oidc", __name__, template_folder="templates")
log = logging.getLogger(__name__)

NEXT = "oidc_next"
SESSION_OIDC = "oidc"  # the session came from the provider: logging out also logs out there
LEEWAY_SECONDS = 60  # clock difference allowed on the ID token's exp and iat
UNVERIFIED = "Inloggningen via organisationens konto kunde inte verifieras. Försök igen från inloggningssidan."


class ReplayedCallback(Exception):
    """A state or nonce that was already used."""


def redirect_uri() -> str:
    return current_app.config.get("OIDC_REDIRECT_URI") or url_for("oidc.callback", _external=True)


@bp.get("/login/oidc")
def start():
    """Send the person to the provider (state, nonce and PKCE challenge are kept in the session)."""
    provider = oidc.client()
    if provider is None:
        abort(404)
    import requests  # here, not at the top: every process that builds the app (import jobs too) would pay for it

    target = safe_next(request.args.get("next"))
    try:
        response = provider.authorize_redirect(redirect_uri())
    except requests.RequestException as error:
        log.warning("identity provider unreachable: %s", type(error).__name__)
        return render_template("auth/oidc_refused.html", message=_UNREACHABLE), 503
    session[NEXT] = target
    return response


_UNREACHABLE = "Organisationens inloggningstjänst svarar inte just nu. Försök igen om en stund."


@bp.get("/login/oidc/callback")
def callback():
    """Verify what the provider sent back, then log the person in with the roles their groups give."""
    provider = oidc.client()
    if provider is None:
        abort(404)
    import requests

    keys = [f"address:{request.remote_addr}"]
    check_login_allowed(keys)
    try:
        claims = _verified_claims(provider)
    except (AuthlibBaseError, JoseError, ReplayedCallback, KeyError, ValueError) as error:
        log.warning("login through the identity provider refused: %s", type(error).__name__)
        return _refused(keys, UNVERIFIED, 401)
    except requests.RequestException as error:
        log.warning("identity provider unreachable: %s", type(error).__name__)
        return render_template("auth/oidc_refused.html", message=_UNREACHABLE), 503
    try:
        user = oidc.person_from_claims(db.session, claims, current_app.config)
    except oidc.LoginRefused as refused:
        log.info("login through the identity provider refused: %s", refused.code)
        discard()
        return render_template("auth/oidc_refused.html", message=refused.message), 403
    target = safe_next(session.get(NEXT))
    log_in(user)
    session[SESSION_OIDC] = True
    record(db.session, actor=user.name, action="user.login", object_type="user", object_id=user.id, method="oidc")
    return redirect(target)


def _verified_claims(provider) -> dict:
    """The ID token's claims once Authlib verified signature, issuer, audience, expiry and nonce."""
    if request.args.get("error"):
        raise ValueError("the provider answered with an error")
    if not oidc.first_use("state", request.args.get("state", "")):
        raise ReplayedCallback("state")
    # Both named here: Authlib's default options check the issuer only, and the audience only through azp.
    token = provider.authorize_access_token(
        claims_options={
            "iss": {"essential": True, "values": [oidc.issuer_of(current_app.config)]},
            "aud": {"essential": True, "values": [provider.client_id]},
        },
        leeway=LEEWAY_SECONDS,
    )
    claims = token.get("userinfo")
    if not claims or not oidc.first_use("nonce", str(claims.get("nonce", ""))):
        raise ReplayedCallback("nonce")
    return dict(claims)


def _refused(keys: list[str], message: str, status: int):
    discard()
    count_failed_login(keys)
    session.pop(NEXT, None)
    return render_template("auth/oidc_refused.html", message=message), status


def provider_logout_url(was_oidc: bool) -> str | None:
    """Where to send a person who logged in through the provider, so it ends its session too (RP-initiated
    logout), or None when the provider does not offer it (no end_session_endpoint) or cannot be reached."""
    provider = oidc.client()
    if not was_oidc or provider is None:
        return None
    import requests

    try:
        if not provider.load_server_metadata().get("end_session_endpoint"):
            return None
        return provider.create_logout_url(
            post_logout_redirect_uri=url_for("login.login", _external=True), client_id=provider.client_id
        )["url"]
    except requests.RequestException as error:
        log.warning("identity provider unreachable at logout: %s", type(error).__name__)
        return None
