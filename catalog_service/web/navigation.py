"""The menu: each page a person may open, in the order they work."""

from __future__ import annotations

from flask import Flask, current_app, url_for

from ..auth.permissions import may
from .access import current_user

# (endpoint, label), in the order people work; an endpoint that is not registered is left out, and each
# item shows for the people who may open its page (the page's own action in auth/permissions.py).
MENU = (
    ("home_pages.start", "Start"),
    ("assortment_pages.overview", "Översikt"),
    ("contract_pages.contract", "Avtal"),
    ("pricelist_pages.upload", "Ladda upp prislista"),
    ("assortment_pages.versions", "Versioner"),
    ("request_pages.new_request", "Ny konsultation"),
    ("request_pages.lookup_page", "Sök ärende"),
    ("request_pages.queue", "Konsultationer"),
    ("request_pages.work_orders", "Arbetsordrar"),
    ("request_pages.candidates_page", "Sortimentskandidater"),
    ("order_pages.orders", "Ordrar"),
    ("order_pages.delivery", "Leveranser"),
    ("stock_pages.stock_page", "Lagerartiklar"),
    ("audit_pages.audit", "Händelselogg"),
    ("token_pages.tokens", "E-butikstoken"),
    ("token_pages.invite_supplier", "Bjud in leverantör"),
    ("webhook_pages.webhooks", "Webhooks"),
)


def may_open(endpoint: str, user=None) -> bool:
    """Whether the person may open the page of ``endpoint`` (a page without roles is open to all): a page shows a
    link only when it leads somewhere its reader may go."""
    user = user or current_user()
    view = current_app.view_functions.get(endpoint)
    if view is None:
        return False
    action = getattr(view, "page_action", None)
    return action is None or (user is not None and may(user, action))


def start_url(user=None) -> str:
    """The person's start page (home area), or else the first page of the menu they may open."""
    user = user or current_user()
    for endpoint in ("home_pages.start", *(endpoint for endpoint, _label in MENU)):
        if may_open(endpoint, user):
            return url_for(endpoint)
    return url_for("login.login")


def init_app(app: Flask) -> None:
    app.add_template_global(may_open)
    app.add_template_global(start_url)

    @app.context_processor
    def _menu():
        user = current_user()
        if user is None:
            return {"menu": [], "user": None, "can": lambda action: False}
        views = current_app.view_functions
        items = [
            {"url": url_for(endpoint), "label": label, "endpoint": endpoint}
            for endpoint, label in MENU
            if endpoint in views and may(user, views[endpoint].page_action)
        ]
        # ``can("orders.labels")``: a page shows a link or form only to those who may use it
        return {"menu": items, "user": user, "can": lambda action: may(user, action)}
