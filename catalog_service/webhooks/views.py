"""The webhook page (upphandlare): endpoints per e-shop, the secret shown once, the delivery log, redelivery."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from ..errors import DomainError, status_of
from ..extensions import db
from ..suppliers import profiles
from ..transactions import discard
from ..web.access import current_user, page_roles
from . import service

bp = Blueprint("webhook_pages", __name__, template_folder="templates")


@bp.get("/webhooks")
@page_roles("webhooks.manage")
def webhooks():
    """Each endpoint with its latest deliveries; a form to add one."""
    return _page()


@bp.post("/webhooks")
@page_roles("webhooks.manage")
def add():
    """Register an endpoint and show its secret on this one response."""
    eshop = request.form.get("eshop", "").strip().lower()
    url = request.form.get("url", "").strip()
    if eshop not in profiles():
        return _page(errors=["Välj vilken leverantörs e-butik mottagaren gäller."], status=422, url=url)
    try:
        endpoint, secret = service.add_endpoint(db.session, eshop=eshop, url=url, actor=current_user().name)
    except DomainError as refused:
        discard()
        return _page(errors=[refused.message], status=status_of(refused), url=url)
    return _page(created={"endpoint": endpoint, "secret": secret}, status=201)


@bp.post("/webhooks/<int:endpoint_id>/remove")
@page_roles("webhooks.manage")
def remove(endpoint_id: int):
    try:
        service.remove_endpoint(db.session, endpoint_id, actor=current_user().name)
    except DomainError as refused:
        discard()
        return _page(errors=[refused.message], status=status_of(refused))
    flash("Mottagaren är borttagen. Inga fler händelser skickas till den.")
    return redirect(url_for("webhook_pages.webhooks"))


@bp.post("/webhooks/deliveries/<int:delivery_id>/redeliver")
@page_roles("webhooks.manage")
def redeliver(delivery_id: int):
    try:
        service.redeliver(db.session, delivery_id, actor=current_user().name)
    except DomainError as refused:
        discard()
        return _page(errors=[refused.message], status=status_of(refused))
    flash("Händelsen skickas igen.")
    return redirect(url_for("webhook_pages.webhooks"))


def _page(*, created: dict | None = None, errors=(), status: int = 200, url: str = ""):
    names = {code: profile.name for code, profile in profiles().items()}
    endpoints = [(e, service.delivery_log(db.session, e.id, limit=20)) for e in service.list_endpoints(db.session)]
    page = render_template(
        "webhooks/webhooks.html", endpoints=endpoints, names=names, created=created, errors=errors, url=url
    )
    return page, status
