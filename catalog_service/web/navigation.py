"""The menu: each page a person may open, in the order they work."""

from __future__ import annotations

from flask import Flask, current_app, url_for

from ..auth.models import Role
from .access import current_user

U, H, F, A = Role.upphandlare, Role.hmc, Role.forskrivare, Role.admin

# (endpoint, label, roles); an endpoint that is not registered is left out.
MENU = (
    ("assortment_pages.overview", "Översikt", (U, H)),
    ("contract_pages.contract", "Avtal", (U, H)),
    ("pricelist_pages.upload", "Ladda upp prislista", (U,)),
    ("assortment_pages.versions", "Versioner", (U, H)),
    ("request_pages.new_request", "Ny konsultation", (F, H)),
    ("request_pages.lookup_page", "Sök ärende", (F, H, U)),
    ("request_pages.queue", "Konsultationer", (H, F)),
    ("request_pages.candidates_page", "Sortimentskandidater", (H, U)),
    ("order_pages.orders", "Ordrar", (H, F)),
    ("order_pages.delivery", "Leveranser", (H, U)),
    ("stock_pages.stock_page", "Lagerartiklar", (H,)),
    ("audit_pages.audit", "Händelselogg", (U, A)),
    ("token_pages.tokens", "E-butikstoken", (A,)),
)


def init_app(app: Flask) -> None:
    @app.context_processor
    def _menu():
        user = current_user()
        if user is None:
            return {"menu": [], "user": None}
        items = [
            {"url": url_for(endpoint), "label": label, "endpoint": endpoint}
            for endpoint, label, roles in MENU
            if endpoint in current_app.view_functions and user.has_role(*roles, A)
        ]
        return {"menu": items, "user": user}
