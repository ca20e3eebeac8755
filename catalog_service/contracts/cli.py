from __future__ import annotations

from datetime import date

import click
from flask import current_app
from flask.cli import with_appcontext

from ..cli import actor_option, emit_json, existing_file, json_option, transactional
from ..extensions import db
from .service import load_contract


@click.group("contract")
def contract():
    """The contract: procured models and base colours."""


@contract.command("load")
@click.argument("path", type=existing_file)
@json_option
@actor_option
@with_appcontext
@transactional
def load(path, as_json, actor):
    """Load a contract workbook and make it the active contract."""
    configured = current_app.config.get("CONTRACT_START")
    loaded = load_contract(
        db.session,
        path,
        actor=actor,
        filename=path.name,
        contract_start=date.fromisoformat(configured) if configured else None,
    )
    per_supplier: dict[str, int] = {}
    for model in loaded.models:
        per_supplier[model.supplier] = per_supplier.get(model.supplier, 0) + 1
    payload = {
        "contract_id": loaded.id,
        "sha256": loaded.sha256,
        "start": loaded.start_date.isoformat(),
        "end": loaded.end_date.isoformat() if loaded.end_date else None,
        "procured_models": per_supplier,
        "base_colours": {s: [b.name for b in loaded.base_colours if b.supplier == s] for s in per_supplier},
    }
    if as_json:
        emit_json(payload)
    click.echo(f"Avtalet är inläst: {sum(per_supplier.values())} modeller, start {payload['start']}.", err=True)
