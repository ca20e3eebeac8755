from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from ..cli import REFUSED, actor_option, emit_json, existing_file, json_option, transactional
from ..extensions import db
from .schemas import OrderImportSummarySchema
from .service import import_orders, purge_orders


@click.group("orders")
def orders():
    """Order history by customer order number."""


@orders.command("import")
@click.argument("path", type=existing_file)
@json_option
@actor_option
@with_appcontext
@transactional
def import_command(path, as_json, actor):
    """Import a WebSesam order-line export; refused whole if any cell holds personal data (exit 1)."""
    result = import_orders(db.session, path, actor=actor, filename=path.name)
    summary = OrderImportSummarySchema().dump(result)
    if as_json:
        emit_json(summary)
    if result.status == "refused":
        kinds = sorted({f["kind"] for f in result.findings}) or ["felaktiga rader"]
        click.echo(
            f"Fel: Filen avvisades: {len(result.findings) or len(result.errors)} fynd ({', '.join(kinds)}). "
            "Ingenting sparades. Ta bort uppgifterna och exportera på nytt.",
            err=True,
        )
        return REFUSED
    click.echo(
        f"{result.stored} orderrader sparade, {result.already_present} fanns redan, "
        f"{result.before_contract_start} före avtalsstart.",
        err=True,
    )
    return None


@orders.command("purge")
@click.option("--before", "before", required=True, type=click.DateTime(formats=["%Y-%m-%d"]))
@json_option
@actor_option
@with_appcontext
@transactional
def purge_command(before, as_json, actor):
    """Delete order lines dated before DATE, and order exports (with their files) imported before it."""
    counts = purge_orders(db.session, before.date(), actor=actor)
    if as_json:
        emit_json(counts)
    click.echo(
        f"Rensat: {counts['lines']} orderrader, {counts['imports']} importer, {counts['files']} filer.", err=True
    )


@click.command("labels")
@click.option("--kundordernummer", required=True)
@click.option("--batch", "batch_number", required=True, help="The batch number to print on the labels.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@with_appcontext
def labels(kundordernummer, batch_number, output):
    """A PDF label sheet for the order's made-to-measure lines (batch, date, order number; never a name)."""
    from ..cli import fail_on_domain_error
    from .labels import order_labels

    with fail_on_domain_error():
        pdf = order_labels(db.session, kundordernummer, batch_number=batch_number)
    output.write_bytes(pdf)
    click.echo(f"Etiketter skrivna till {output}.", err=True)
