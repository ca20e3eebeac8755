from __future__ import annotations

import click
from flask.cli import with_appcontext

from ..cli import emit_json, json_option
from ..extensions import db
from .schemas import AuditEntrySchema
from .service import list_entries


@click.command("audit")
@click.option("--action", help="Only actions starting with this, e.g. assortment.")
@click.option("--actor", help="Only this actor.")
@click.option("--limit", type=int, default=100, show_default=True)
@json_option
@with_appcontext
def audit(action, actor, limit, as_json):
    """The audit log, newest first."""
    entries = AuditEntrySchema(many=True).dump(list_entries(db.session, action=action, actor=actor, limit=limit))
    if as_json:
        emit_json({"entries": entries})
        return
    for entry in entries:
        click.echo(
            f"{entry['at']}  {entry['actor']:<16} {entry['action']:<22} {entry['object_type']} "
            f"{entry['object_id'] or ''}  {entry['details']}"
        )
