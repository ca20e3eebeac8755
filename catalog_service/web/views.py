"""The shell's own views: the blueprint that carries the base templates and static files, health, Swagger UI assets.

Each area's pages live in that area's ``views.py`` (pricelists, contracts, assortment, orders, requests,
stock, audit, auth); ``web/`` keeps only what every page shares.
"""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("web", __name__, template_folder="templates", static_folder="static", static_url_path="/assets")


docs_assets = Blueprint("docs_assets", __name__)


@docs_assets.get("/api/v1/docs/assets/<path:filename>")
def swagger_ui_asset(filename: str):
    """Swagger UI's scripts and styles, from the installed swagger-ui-bundle package."""
    import swagger_ui_bundle
    from flask import send_from_directory

    return send_from_directory(swagger_ui_bundle.swagger_ui_path, filename, max_age=86400)


@bp.get("/healthz")
def healthz():
    """The process is up (no database access: load balancers call this often)."""
    return {"status": "ok"}


@bp.get("/tillganglighet")
def accessibility():
    """The accessibility statement (tillgänglighetsredogörelse, DIGG's model), open to everyone without login."""
    from flask import current_app, render_template

    return render_template(
        "accessibility.html",
        contact=current_app.config["ACCESSIBILITY_CONTACT"],
        reviewed=current_app.config["ACCESSIBILITY_REVIEWED"],
    )
