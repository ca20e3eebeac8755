"""Thin page views; each calls one area operation and renders a template."""

from __future__ import annotations

from flask import Blueprint, render_template
from sqlalchemy import select

from ..assortment.service import current_version
from ..contracts.models import Contract
from ..extensions import db
from ..feeds.service import fetch_status
from ..pricelists.service import list_imports
from ..suppliers import profiles

bp = Blueprint("web", __name__, template_folder="templates", static_folder="static", static_url_path="/assets")


@bp.get("/")
def overview():
    """Per supplier: the latest import and its figures; the active contract."""
    contract = db.session.scalar(select(Contract).where(Contract.active.is_(True)))
    latest = {}
    for item in list_imports(db.session, limit=200):
        latest.setdefault(item.supplier, item)
    published = {code: current_version(db.session, code) for code in profiles()}
    fetches = {code: fetch_status(db.session, code) for code in profiles()}
    return render_template(
        "overview.html", contract=contract, suppliers=profiles(), latest=latest, published=published, fetches=fetches
    )


docs_assets = Blueprint("docs_assets", __name__)


@docs_assets.get("/api/v1/docs/assets/<path:filename>")
def swagger_ui_asset(filename: str):
    """Swagger UI's scripts and styles, from the installed swagger-ui-bundle package."""
    import swagger_ui_bundle
    from flask import send_from_directory

    return send_from_directory(swagger_ui_bundle.swagger_ui_path, filename, max_age=86400)


@bp.app_template_filter("local_time")
def local_time(moment) -> str:
    """A timestamp as Swedish local time, the way people here read it."""
    from zoneinfo import ZoneInfo

    return moment.astimezone(ZoneInfo("Europe/Stockholm")).strftime("%Y-%m-%d %H:%M") if moment else ""


@bp.get("/healthz")
def healthz():
    """The process is up (no database access: load balancers call this often)."""
    return {"status": "ok"}
