from __future__ import annotations

import click
from flask.cli import with_appcontext

from ..cli import ROLLBACK, Progress, actor_option, emit_json, existing_file, json_option, transactional

# The service, its schemas and the database are imported inside the commands: `catalog pricelist --help`
# then starts without the models, marshmallow and the workbook readers.


@click.group("pricelist")
def pricelist():
    """Supplier price lists."""


@pricelist.command("import")
@click.argument("path", type=existing_file)
@click.option("--supplier", required=True, help="Supplier code: essity, juzo, medi, rama, …")
@click.option("--dry-run", is_flag=True, help="Judge every row and report, but store nothing.")
@json_option
@actor_option
@with_appcontext
@transactional
def import_(path, supplier, dry_run, as_json, actor):
    """Import a supplier's price list as a draft and judge every row."""
    from flask import current_app

    from ..config import ReaderLimits
    from ..extensions import db
    from .schemas import ImportSummarySchema
    from .service import import_price_list

    progress = Progress("Importerar")
    try:
        result = import_price_list(
            db.session,
            path,
            supplier,
            actor=actor,
            filename=path.name,
            dry_run=dry_run,
            progress=progress,
            limits=ReaderLimits.from_config(current_app.config),
        )
    finally:
        progress.close()
    summary = ImportSummarySchema().dump(result)
    if as_json:
        emit_json(summary)
    _report(summary)
    return ROLLBACK if dry_run else None


def _report(summary: dict) -> None:
    excluded = ", ".join(f"{k} {v}" for k, v in summary["excluded"].items())
    status = {
        "draft": "sparad som utkast",
        "dry_run": "provkörning, inget sparat",
        "unchanged": "filen är redan inläst, inget nytt skapat",
    }[summary["status"]]
    click.echo(
        f"{summary['supplier']}: {summary['data_rows']} datarader, {summary['allowed']} tillåtna; "
        f"uteslutna: {excluded} ({status}).",
        err=True,
    )
    if summary.get("changes"):
        c = summary["changes"]
        click.echo(
            f"Peppol-ändringar: {c['added']} tillagda, {c['updated']} ändrade, {c['deleted']} borttagna.", err=True
        )
    if summary["unknown_colours"]:
        click.echo(f"Okända färger att granska: {', '.join(summary['unknown_colours'])}", err=True)


@pricelist.command("diff")
@click.option("--supplier", required=True)
@json_option
@with_appcontext
def diff(supplier, as_json):
    """The supplier's draft against its published version: diff, reconciliation, layout warnings."""
    from ..assortment.review import review_draft
    from ..assortment.schemas import ReviewSchema
    from ..assortment.service import latest_draft
    from ..cli import fail_on_domain_error
    from ..extensions import db
    from ..suppliers import profile_for

    with fail_on_domain_error(as_json):
        review = ReviewSchema().dump(review_draft(db.session, latest_draft(db.session, profile_for(supplier).code)))
    if as_json:
        emit_json(review)
    _report_review(review)


def _report_review(review: dict) -> None:
    d = review["diff"]
    against = f"version {review['against_version']}" if review["against_version"] else "inget publicerat"
    click.echo(
        f"Utkast {review['import_id']} mot {against}: {len(d['added'])} nya, {len(d['removed'])} borttagna, "
        f"{len(d['changed'])} ändrade, {d['unchanged']} oförändrade.",
        err=True,
    )
    rec = review["reconciliation"]
    for model in rec["models_without_allowed_items"]:
        click.echo(f"  Avtalsmodell utan tillåtna artiklar: {model['model']} ({model['reason']})", err=True)
    for model in rec["base_colours_missing"]:
        click.echo(f"  {model['model']} saknar basfärg: {', '.join(model['missing_base_colours'])}", err=True)
    if rec["priced_above_contract"]:
        click.echo(f"  {len(rec['priced_above_contract'])} artiklar har listpris över avtalspriset.", err=True)
    for warning in review["layout_warnings"]:
        click.echo(f"  Varning: {warning}", err=True)
    for row in review["invalid_gtins"]:
        click.echo(f"  GTIN med fel kontrollsiffra: flik {row['sheet']!r} rad {row['row']}: {row['gtin']}", err=True)
