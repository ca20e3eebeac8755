"""Thin page views; each calls one area operation and renders a template."""

from __future__ import annotations

from flask import Blueprint, render_template
from sqlalchemy import select

from ..contracts.models import Contract
from ..extensions import db
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
    return render_template("overview.html", contract=contract, suppliers=profiles(), latest=latest)
