from __future__ import annotations

from functools import wraps

import click
from flask.cli import ScriptInfo, with_appcontext

from ..cli import ROLLBACK, Progress, actor_option, emit_json, existing_file, json_option, transactional

# The service, its schemas and the database are imported inside the commands: `catalog pricelist --help`
# then starts without the models, marshmallow and the workbook readers.


@click.group("pricelist")
def pricelist():
    """Supplier price lists."""


def reading_early(command):
    """Start the reader child before the app is built (``with_appcontext`` builds it below this).

    The child loads the sheet (about two seconds for 300,000 rows) while this process imports and
    builds the app (about as long), instead of after it. The import uses the early reader only if it
    reads what the import would read (see ``import_price_list``), so this changes no result.
    """

    @click.pass_context
    @wraps(command)
    def run(ctx, *args, **kwargs):
        reader = _start_early(ctx, kwargs["path"], kwargs["supplier"])
        try:
            return ctx.invoke(command, *args, started=reader, **kwargs)
        finally:
            if reader is not None:
                reader.close()

    return run


def _start_early(ctx: click.Context, path, supplier):
    from .. import config as settings
    from ..cli import _create_app
    from .reading import start_reader

    info = ctx.ensure_object(ScriptInfo)
    try:
        if info.create_app is _create_app:  # the `catalog` command: its settings, without building the app
            from flask import Flask

            bare = Flask("catalog_service", instance_relative_config=True)  # as create_app reads its settings
            bare.config.from_object(settings.Defaults)
            bare.config.from_pyfile("config.py", silent=True)
            bare.config.update(settings.from_environment())
            config = bare.config
        else:  # an app given by the caller (a test's runner): already built
            config = info.load_app().config
        limits = settings.ReaderLimits.from_config(config)
        return start_reader(path, supplier, limits, config.get("MAX_PRICE_SEK", settings.Defaults.MAX_PRICE_SEK))
    except Exception:  # a setting the app will refuse with its own message: start no reader here
        return None


@pricelist.command("import")
@click.argument("path", type=existing_file)
@click.option("--supplier", required=True, help="Supplier code: essity, juzo, medi, rama, …")
@click.option("--dry-run", is_flag=True, help="Judge every row and report, but store nothing.")
@json_option
@actor_option
@reading_early
@with_appcontext
@transactional
def import_(path, supplier, dry_run, as_json, actor, started):
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
            started=started,
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
