"""The start page: where every person lands after login, with their tasks and what waits for them."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, url_for

from ..auth.permissions import may
from ..extensions import db
from ..requests.workflow import STATUS_LABELS
from ..suppliers import profiles
from ..web.access import current_user, page_roles
from .service import what_waits

bp = Blueprint("home_pages", __name__, template_folder="templates")

# (endpoint, what the person does there), in the order people work; each shows only to those who may open it.
# Labels differ from the menu's (no menu label is part of one), so "the link Avtal" means one link on the page.
TASKS = (
    ("contract_pages.contract", "Läs in upphandlingens modeller, basfärger och priser"),
    ("pricelist_pages.upload", "Ladda upp en leverantörs prislista"),
    ("assortment_pages.overview", "Läget per leverantör: utkast, publicering och e-butikernas hämtningar"),
    ("assortment_pages.versions", "Publicering och återställning av sortimentet"),
    ("token_pages.tokens", "Skapa och återkalla e-butikernas token"),
    ("token_pages.invite_supplier", "Bjud in en leverantör att ladda upp sina prislistor"),
    ("order_pages.import_page", "Läs in orderrader från WebSesam"),
    ("request_pages.queue", "Handlägg kön"),
    ("request_pages.work_orders", "Pågående och försenade beställningar via arbetsorder"),
    ("order_pages.orders", "Sök orderhistorik och beställ igen"),
    ("request_pages.new_request", "Be om en artikel utanför sortimentet"),
    ("request_pages.lookup_page", "Följ ett ärende"),
    ("stock_pages.stock_page", "Besluta vad HMC ska lagerhålla"),
    ("order_pages.delivery", "Leveransrapport per leverantör"),
    ("request_pages.candidates_page", "Kandidater till sortimentet"),
    ("audit_pages.audit", "Vem gjorde vad och när"),
)

# A page some readers may only read: without the action, its task says what they find there instead.
READ_ONLY_LABELS = {
    "contract_pages.contract": ("contract.load", "Upphandlingens modeller, basfärger och priser"),
    "assortment_pages.versions": ("assortment.publish", "Vad som har publicerats och när"),
}


def tasks_for(user) -> list[dict]:
    """The task links ``user`` may follow: the page exists and its action allows their roles."""
    views = current_app.view_functions
    return [
        {"url": url_for(endpoint), "label": _label(user, endpoint, label)}
        for endpoint, label in TASKS
        if endpoint in views and may(user, views[endpoint].page_action)
    ]


def _label(user, endpoint: str, label: str) -> str:
    action, read_only = READ_ONLY_LABELS.get(endpoint, (None, label))
    return label if action is None or may(user, action) else read_only


@bp.get("/start")
@page_roles("home.read")
def start():
    """The person's tasks and what waits: drafts, the queue, overdue work orders, own requests, e-shops behind."""
    user = current_user()
    return render_template(
        "home/start.html",
        tasks=tasks_for(user),
        waits=what_waits(db.session, user),
        status_labels=STATUS_LABELS,
        names={code: profile.name for code, profile in profiles().items()},
    )
