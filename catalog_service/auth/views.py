"""The e-shop token pages (the procurement officer, who runs the e-shop relationship; admin): list, create
(shown once), revoke. People's API tokens are listed and revoked here by admin only."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from ..errors import DomainError, status_of
from ..extensions import db
from ..suppliers import profiles
from ..transactions import discard
from ..web.access import current_user, page_roles
from . import service as tokens_service
from .models import ApiToken, Role, TokenKind

bp = Blueprint("token_pages", __name__, template_folder="templates")


@bp.get("/tokens")
@page_roles("tokens.manage")
def tokens():
    """E-shop and person tokens: prefix, owner, created, revoked; a form to create an e-shop token."""
    return _tokens_page()


@bp.post("/tokens")
@page_roles("tokens.manage")
def create_token():
    """Create an e-shop token and show it on this one response; it is never stored or shown again."""
    supplier = request.form.get("supplier", "").strip().lower()
    if supplier not in profiles():
        return _tokens_page(errors=["Välj vilken leverantörs e-butik token ska gälla."], status=422)
    raw, token = tokens_service.create_token(db.session, actor=current_user().name, eshop=supplier)
    return _tokens_page(created={"raw": raw, "token": token}, status=201)


@bp.post("/tokens/<int:token_id>/revoke")
@page_roles("tokens.manage")
def revoke_token(token_id: int):
    """Revoke a token at once: the next request with it is refused."""
    found = db.session.get(ApiToken, token_id)
    if found is not None and found.kind is not TokenKind.eshop and not current_user().has_role(Role.admin):
        return _tokens_page(errors=[f"Token {token_id} finns inte."], status=404)  # people's tokens: admin only
    try:
        token = tokens_service.revoke_token(db.session, token_id, actor=current_user().name)
    except DomainError as refused:  # unknown or already revoked
        discard()
        return _tokens_page(errors=[refused.message], status=status_of(refused))
    flash(f"Token {token.prefix}… är återkallad. Den fungerar inte längre.")
    return redirect(url_for("token_pages.tokens"))


def _tokens_page(*, created: dict | None = None, errors=(), status: int = 200):
    names = {code: profile.name for code, profile in profiles().items()}
    shown = tokens_service.list_tokens(db.session)
    if not current_user().has_role(Role.admin):
        shown = [token for token in shown if token.kind is TokenKind.eshop]
    page = render_template("auth/tokens.html", tokens=shown, names=names, created=created, errors=errors)
    return page, status


@bp.route("/suppliers/invite", methods=["GET", "POST"])
@page_roles("suppliers.invite")
def invite_supplier():
    """Invite a supplier's own person: a user name and their supplier; the first password is shown once."""
    names = {code: profile.name for code, profile in profiles().items()}
    if request.method == "GET":
        return render_template("auth/invite.html", names=names)
    name, supplier = request.form.get("name", ""), request.form.get("supplier", "").strip().lower()
    if supplier not in names:
        return render_template("auth/invite.html", names=names, errors=["Välj leverantör."], name=name), 422
    try:
        password, user = tokens_service.invite_supplier(db.session, name, supplier, actor=current_user().name)
    except DomainError as refused:  # a taken or empty name
        discard()
        return render_template("auth/invite.html", names=names, errors=[refused.message], name=name), status_of(refused)
    return render_template("auth/invite.html", names=names, invited={"user": user, "password": password}), 201
