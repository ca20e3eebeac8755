"""Who may open a page: a logged-in person with one of the page's roles.

    @bp.get("/stock")
    @page_roles("stock.manage")
    def stock_page(): ...

Pages know people only by their session cookie; an Authorization header (an e-shop's or a person's
API token) never opens a page. Anonymous visitors are redirected to the login page; a person without
the role gets the 403 page. Every form posts a CSRF token:
``<input type="hidden" name="csrf_token" value="{{ csrf_token() }}">`` (Flask-WTF checks it).
"""

from __future__ import annotations

import secrets
import time
from functools import wraps
from urllib.parse import urlsplit

from flask import abort, current_app, g, redirect, request, session, url_for

from ..auth.models import User
from ..auth.permissions import may, roles_for
from ..extensions import db

SESSION_USER = "user_id"
SESSION_STAMP = "stamp"  # changes when the password changes or an admin disables the person: old cookies stop working
SESSION_ID = "sid"  # a new random id at every login: a session from before login is never carried on
SESSION_STARTED = "started"  # epoch seconds of the login (absolute lifetime)
SESSION_SEEN = "seen"  # epoch seconds of the last request (idle timeout)
SEEN_RESOLUTION = 30  # seconds: the cookie is rewritten at most this often just to note activity


def page_roles(action: str):
    """A page view decorator: login required, and a role that may do ``action`` (auth/permissions.py; admin
    always passes)."""
    roles = roles_for(action)

    def decorate(view):
        @wraps(view)
        def checked(*args, **kwargs):
            user = current_user()
            if user is None:
                return redirect(url_for("login.login", next=_here()))
            if not may(user, action):
                abort(403)
            return view(*args, **kwargs)

        checked.page_roles = roles  # read by the test that every page is protected
        checked.page_action = action  # read by the menu
        return checked

    return decorate


def current_user() -> User | None:
    """The person logged in with this request's session cookie, or None (also for a deactivated person)."""
    if "page_user" not in g:
        g.page_user = _load_user()
    return g.page_user


def _load_user() -> User | None:
    user_id = session.get(SESSION_USER)
    if user_id is None:
        return None
    user = db.session.get(User, user_id)
    if user is None or not user.active or session.get(SESSION_STAMP) != session_stamp(user) or _expired():
        session.clear()
        return None
    now = int(time.time())
    if now - session.get(SESSION_SEEN, 0) >= SEEN_RESOLUTION:
        session[SESSION_SEEN] = now
    return user


def _expired() -> bool:
    """Idle longer than SESSION_IDLE_SECONDS, or logged in longer ago than SESSION_MAX_SECONDS."""
    config, now = current_app.config, time.time()
    started, seen = session.get(SESSION_STARTED, 0), session.get(SESSION_SEEN, 0)
    return now - seen > config["SESSION_IDLE_SECONDS"] or now - started > config["SESSION_MAX_SECONDS"]


def session_stamp(user: User) -> str:
    """A short fingerprint of the password hash and the session epoch: a password change, or an admin
    disabling the person, ends every other session."""
    import hashlib

    return hashlib.sha256(f"{user.password_hash or ''}:{user.session_epoch or 0}".encode()).hexdigest()[:16]


def log_in(user: User) -> None:
    session.clear()  # a fresh session on login: no fixation
    session.permanent = True
    now = int(time.time())
    session[SESSION_ID] = secrets.token_urlsafe(16)
    session[SESSION_USER] = user.id
    session[SESSION_STAMP] = session_stamp(user)
    session[SESSION_STARTED] = session[SESSION_SEEN] = now
    g.pop("page_user", None)


def log_out() -> None:
    session.clear()


def safe_next(target: str | None) -> str:
    """Where to go after login: only a path on this site, never another host."""
    if not target:
        return url_for("home_pages.start")  # every role may open its start page
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return url_for("home_pages.start")
    return target


def _here() -> str:
    return request.full_path.rstrip("?") if request.query_string else request.path
