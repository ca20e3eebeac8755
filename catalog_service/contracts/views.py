"""The contract page: procured models and base colours per supplier, prices and validity."""

from __future__ import annotations

from flask import Blueprint, render_template

from ..errors import Conflict
from ..extensions import db
from ..suppliers import profiles
from ..web.access import page_roles
from .service import active_contract, colour_mappings

bp = Blueprint("contract_pages", __name__, template_folder="templates")


@bp.get("/contract")
@page_roles("contract.read")
def contract():
    """The active contract: procured models and base colours per supplier, prices and validity."""
    try:
        loaded = active_contract(db.session)
    except Conflict as none:
        return render_template("contracts/contract.html", contract=None, message=none.message)
    suppliers = {}
    for model in sorted(loaded.models, key=lambda m: (m.supplier, m.position, m.model_key)):
        suppliers.setdefault(model.supplier, {"models": [], "colours": []})["models"].append(model)
    for colour in sorted(loaded.base_colours, key=lambda c: (c.supplier, c.name)):
        suppliers.setdefault(colour.supplier, {"models": [], "colours": []})["colours"].append(colour)
    for code, terms in suppliers.items():
        terms["decisions"] = colour_mappings(loaded, code)  # people's decisions on unknown colours
    return render_template(
        "contracts/contract.html",
        contract=loaded,
        suppliers=suppliers,
        names={code: profile.name for code, profile in profiles().items()},
    )
