"""Login and logout for the pages. Failed attempts are rate-limited per address and per name."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for

from ..audit.service import record
from ..auth import oidc
from ..auth.mfa_views import begin, needs_second_factor
from ..auth.oidc_views import SESSION_OIDC, provider_logout_url
from ..auth.ratelimit import check_login_allowed, count_failed_login
from ..auth.service import verify_password
from ..extensions import db
from ..privacy.guard import find_personal_data
from ..transactions import keep_refusal
from .access import current_user, log_in, log_out, safe_next
from .navigation import start_url

bp = Blueprint("login", __name__, template_folder="templates")

NAME_LIMIT = 100


def _attempt_keys() -> list[str]:
    """Failed logins count per client address and per typed name."""
    name = request.form.get("name", "")[:NAME_LIMIT].strip().lower()
    return [f"address:{request.remote_addr}", f"name:{name}"]


@bp.route("/login", methods=["GET", "POST"])
def login():
    """The login form; a correct name and password start a session and go on to where the person was headed."""
    target = safe_next(request.values.get("next"))
    if request.method == "GET":
        if current_user() is not None:
            return redirect(target)
        return _login_page(target)
    check_login_allowed(_attempt_keys())
    name = request.form.get("name", "")[:NAME_LIMIT]
    user = verify_password(db.session, name, request.form.get("password", ""))
    if user is None:
        count_failed_login(_attempt_keys())
        # The typed name is not recorded: people sometimes type other things into the name field.
        record(db.session, actor="anonym", action="user.login_failed", object_type="user")
        keep_refusal()  # answered 401, and the failed attempt stays in the audit log
        error = "Fel användarnamn eller lösenord."
        # The name stays in the form so a mistyped password costs one field, not two; a name that looks
        # like personal data (a personal identity number typed in the wrong field) is not shown again.
        kept = "" if find_personal_data(name) else name.strip()
        return _login_page(target, error=error, name=kept), 401
    if needs_second_factor(user):
        return begin(user, target)  # logged in only once the second factor is checked (auth/mfa_views.py)
    log_in(user)
    record(db.session, actor=user.name, action="user.login", object_type="user", object_id=user.id)
    if target == url_for("assortment_pages.overview"):  # no page asked for: the person's own start page
        target = start_url(user)
    return redirect(target)


def _login_page(target: str, **context):
    """The login form; "Logga in med organisationens konto" first when an identity provider is configured."""
    return render_template("login.html", next=target, oidc=oidc.enabled(current_app.config), **context)


@bp.post("/logout")
def logout():
    user = current_user()
    if user is not None:
        record(db.session, actor=user.name, action="user.logout", object_type="user", object_id=user.id)
    provider_logout = provider_logout_url(bool(session.get(SESSION_OIDC)))
    log_out()
    flash("Du är utloggad.")
    return redirect(provider_logout or url_for("login.login"))
