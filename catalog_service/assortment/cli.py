from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from ..cli import actor_option, emit_json, json_option, transactional
from ..config import four_eyes
from ..extensions import db
from .schemas import VersionSchema
from .service import cancel_schedule, local_text, parse_effective_time, publish_assortment, rollback_assortment


@click.group("assortment")
def assortment():
    """Published assortment versions."""


@assortment.command("publish")
@click.option("--supplier", required=True)
@click.option("--confirm-removal", is_flag=True, help="Publish although more than 20 % of the items go.")
@click.option("--reason", help="Why (required with --confirm-removal).")
@click.option(
    "--effective-from",
    help="Take effect at this time, e.g. 2026-05-01T00:00+02:00 (no offset: Swedish local time). Default: at once.",
)
@json_option
@actor_option
@with_appcontext
@transactional
def publish(supplier, confirm_removal, reason, effective_from, as_json, actor):
    """Publish the supplier's draft as its next version, at once or from --effective-from."""
    version = publish_assortment(
        db.session,
        supplier,
        actor=actor,
        four_eyes=four_eyes(current_app.config),
        confirm_removal=confirm_removal,
        reason=reason,
        effective_from=parse_effective_time(effective_from) if effective_from else None,
    )
    if as_json:
        emit_json(VersionSchema().dump(version))
    if effective_from:
        click.echo(
            f"{version.supplier}: version {version.number} schemalagd med {version.item_count} artiklar; "
            f"gäller från {local_text(version.effective_from)} (svensk tid).",
            err=True,
        )
    else:
        click.echo(
            f"{version.supplier}: version {version.number} publicerad med {version.item_count} artiklar.", err=True
        )
    _say_successor(version)


def _say_successor(version) -> None:
    successor = version.successor
    if successor is not None:
        click.echo(
            f"Obs: version {successor.number} är schemalagd och ersätter version {version.number} "
            f"{local_text(successor.effective_from)} (svensk tid). Avbryt den med `catalog assortment cancel` "
            "om den inte ska gälla.",
            err=True,
        )


@assortment.command("cancel")
@click.option("--supplier", required=True)
@click.option("--reason", required=True, help="Why the schedule is withdrawn.")
@click.option("--version", "number", type=int, help="The scheduled version (needed when several are pending).")
@json_option
@actor_option
@with_appcontext
@transactional
def cancel(supplier, reason, number, as_json, actor):
    """Cancel a scheduled version before it takes effect."""
    version = cancel_schedule(db.session, supplier, actor=actor, reason=reason, number=number)
    if as_json:
        emit_json(VersionSchema().dump(version))
    click.echo(
        f"{version.supplier}: version {version.number} (skulle gälla från {local_text(version.effective_from)}) "
        "är avbruten.",
        err=True,
    )


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
    _say_successor(version)
