"""The second step of a local login (a TOTP or recovery code), and enrolling an authenticator app.

After a correct password the session holds only a pending login (``begin``): the person is not logged in
until the second factor is checked here. A wrong code counts against the same rate limit as a wrong
password.
"""

from __future__ import annotations

import time

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for

from ..audit.service import record
from ..config import require_mfa
from ..extensions import db
from ..transactions import keep_refusal
from ..web.access import current_user, log_in, safe_next, session_stamp
from . import mfa
from .models import User
from .ratelimit import check_login_allowed, count_failed_login

bp = Blueprint("mfa", __name__, template_folder="templates")

PENDING = "mfa_pending"  # {"user": id, "stamp": ..., "at": epoch seconds, "next": path}
ENROL_SECRET = "mfa_secret"  # the secret shown on the enrolment page until a code confirms it
PENDING_SECONDS = 300


def needs_second_factor(user: User) -> bool:
    """A local account with TOTP enrolled, or any local account while REQUIRE_MFA is on."""
    return user.subject is None and (bool(user.totp_secret) or require_mfa(current_app.config))


def begin(user: User, target: str):
    """Hold a login whose password was right until the second factor is given; the redirect to give it."""
    session.clear()
    session[PENDING] = {"user": user.id, "stamp": session_stamp(user), "at": int(time.time()), "next": target}
    return redirect(url_for("mfa.verify" if user.totp_secret else "mfa.enrol"))


def _pending_user() -> User | None:
    pending = session.get(PENDING)
    if not pending or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None
    user = db.session.get(User, pending["user"])
    if user is None or not user.active or session_stamp(user) != pending.get("stamp"):
        return None
    return user


def _keys(user: User) -> list[str]:
    return [f"address:{request.remote_addr}", f"name:{user.name.lower()}"]


def _finish(user: User, method: str):
    target = safe_next(session.get(PENDING, {}).get("next"))
    log_in(user)
    record(db.session, actor=user.name, action="user.login", object_type="user", object_id=user.id, mfa=method)
    return redirect(target)


@bp.route("/login/mfa", methods=["GET", "POST"])
def verify():
    """The code from the authenticator app (or a recovery code) after a correct password."""
    user = _pending_user()
    if user is None or not user.totp_secret:
        return redirect(url_for("login.login"))
    if request.method == "GET":
        return render_template("auth/mfa_verify.html")
    check_login_allowed(_keys(user))
    method = mfa.verify(db.session, user, request.form.get("code", ""))
    if method is None:
        return _wrong_code(user, "auth/mfa_verify.html")
    return _finish(user, method)


def _wrong_code(user: User, template: str, **context):
    count_failed_login(_keys(user))
    record(db.session, actor="anonym", action="user.login_failed", object_type="user", step="mfa")
    keep_refusal()
    return render_template(template, error="Fel kod. Försök igen med en ny kod.", **context), 401


@bp.route("/login/mfa/enrol", methods=["GET", "POST"])
def enrol():
    """Set up an authenticator app: a QR code (and the secret as text), confirmed by one code; then the ten
    recovery codes, shown once. Reached with a pending login (REQUIRE_MFA) or by a logged-in local person."""
    pending = _pending_user()
    user = pending or current_user()
    if user is None or user.subject is not None:
        return redirect(url_for("login.login"))
    if request.method == "GET" or ENROL_SECRET not in session:
        session[ENROL_SECRET] = mfa.new_secret()
        return _enrol_page(user)
    if pending is not None:
        check_login_allowed(_keys(user))
    codes = mfa.enrol(db.session, user, session[ENROL_SECRET], request.form.get("code", ""))
    if codes is None:
        if pending is None:
            return _enrol_page(user, error="Fel kod. Försök igen med en ny kod."), 422
        return _wrong_code(user, "auth/mfa_enrol.html", **_enrol_context(user))
    session.pop(ENROL_SECRET)
    target = safe_next(session.get(PENDING, {}).get("next"))
    if pending is not None:
        log_in(user)
        record(db.session, actor=user.name, action="user.login", object_type="user", object_id=user.id, mfa="enrol")
    return render_template("auth/mfa_codes.html", codes=codes, next=target)


def _enrol_context(user: User) -> dict:
    secret = session[ENROL_SECRET]
    uri = mfa.provisioning_uri(secret, user.name)
    return {"qr": mfa.qr_svg(uri), "secret": secret, "name": user.name}


def _enrol_page(user: User, **extra):
    return render_template("auth/mfa_enrol.html", **_enrol_context(user), **extra)
