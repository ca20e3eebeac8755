from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from ..cli import actor_option, emit_json, json_option, transactional
from ..config import four_eyes
from ..extensions import db
from .schemas import VersionSchema
from .service import publish_assortment, rollback_assortment


@click.group("assortment")
def assortment():
    """Published assortment versions."""


@assortment.command("publish")
@click.option("--supplier", required=True)
@click.option("--confirm-removal", is_flag=True, help="Publish although more than 20 % of the items go.")
@click.option("--reason", help="Why (required with --confirm-removal).")
@json_option
@actor_option
@with_appcontext
@transactional
def publish(supplier, confirm_removal, reason, as_json, actor):
    """Publish the supplier's draft as its next version."""
    version = publish_assortment(
        db.session,
        supplier,
        actor=actor,
        four_eyes=four_eyes(current_app.config),
        confirm_removal=confirm_removal,
        reason=reason,
    )
    if as_json:
        emit_json(VersionSchema().dump(version))
    click.echo(f"{version.supplier}: version {version.number} publicerad med {version.item_count} artiklar.", err=True)


@assortment.command("rollback")
@click.option("--supplier", required=True)
@click.option("--to", "to_version", type=int, required=True, help="The version whose content comes back.")
@click.option("--reason", required=True)
@json_option
@actor_option
@with_appcontext
@transactional
def rollback(supplier, to_version, reason, as_json, actor):
    """Publish an earlier version's content again, as a new version."""
    version = rollback_assortment(db.session, supplier, to_version, actor=actor, reason=reason)
    if as_json:
        emit_json(VersionSchema().dump(version))
    click.echo(
        f"{version.supplier}: version {version.number} publicerad (innehåll från version {to_version}).", err=True
    )
