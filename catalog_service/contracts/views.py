"""The contract page: procured models and base colours per supplier, prices and validity; loading a new contract."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for

from ..auth.permissions import may
from ..errors import Conflict, DomainError, status_of
from ..extensions import db
from ..files import safe_name
from ..suppliers import profiles
from ..transactions import discard
from ..web.access import current_user, page_roles
from .service import active_contract, colour_mappings, load_contract

bp = Blueprint("contract_pages", __name__, template_folder="templates")


@bp.get("/contract")
@page_roles("contract.read")
def contract():
    """The active contract: procured models and base colours per supplier, prices and validity."""
    return _contract_page()


def _contract_page(*, error: str | None = None, problems=(), status: int = 200):
    can_load = may(current_user(), "contract.load")
    try:
        loaded = active_contract(db.session)
    except Conflict as none:
        page = render_template(
            "contracts/contract.html",
            contract=None,
            message=none.message,
            can_load=can_load,
            error=error,
            problems=problems,
        )
        return page, status
    suppliers = {}
    for model in sorted(loaded.models, key=lambda m: (m.supplier, m.position, m.model_key)):
        suppliers.setdefault(model.supplier, {"models": [], "colours": []})["models"].append(model)
    for colour in sorted(loaded.base_colours, key=lambda c: (c.supplier, c.name)):
        suppliers.setdefault(colour.supplier, {"models": [], "colours": []})["colours"].append(colour)
    for code, terms in suppliers.items():
        terms["decisions"] = colour_mappings(loaded, code)  # people's decisions on unknown colours
    page = render_template(
        "contracts/contract.html",
        contract=loaded,
        suppliers=suppliers,
        names={code: profile.name for code, profile in profiles().items()},
        can_load=can_load,
        error=error,
        problems=problems,
    )
    return page, status


@bp.post("/contract/load")
@page_roles("contract.load")
def load():
    """Load a contract workbook as `catalog contract load` does (same checks and messages); it replaces the old one."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _contract_page(error="Välj avtalsfilen (.xlsx).", status=422)
    configured = current_app.config.get("CONTRACT_START")
    with tempfile.TemporaryDirectory(prefix="catalog-contract-") as folder:
        path = Path(folder) / "avtal.xlsx"
        upload.save(path)
        try:
            loaded = load_contract(
                db.session,
                path,
                actor=current_user().name,
                filename=safe_name(upload.filename, fallback="avtal.xlsx"),
                contract_start=date.fromisoformat(configured) if configured else None,
            )
        except DomainError as refused:
            discard()
            details = refused.details if isinstance(refused.details, dict) else {}
            return _contract_page(
                error=refused.message, problems=details.get("errors", [])[:100], status=status_of(refused)
            )
    flash(f"Avtalet är inläst: {len(loaded.models)} modeller, start {loaded.start_date.isoformat()}.")
    return redirect(url_for("contract_pages.contract"), 303)
