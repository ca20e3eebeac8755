from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from ..cli import ROLLBACK, actor_option, emit_json, fail_on_domain_error, json_option, transactional
from ..extensions import db
from .decisions import decide
from .export import report_xlsx, stock_list_xlsx
from .schemas import DecisionSchema
from .service import recommendations, stock_list

window_options = [
    click.option("--from", "start", metavar="YYYY-MM-DD", help="First day (default: the contract start)."),
    click.option("--to", "end", metavar="YYYY-MM-DD", help="Last day (default: today)."),
    click.option("--service-level", help="Target service level, 0.5 to below 1 (default 0.95)."),
]
output_option = click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Also write an XLSX workbook here."
)


def with_window(command):
    for option in reversed(window_options):
        command = option(command)
    return command


@click.group("stock")
def stock():
    """Stock items at HMC: recommendations from the order history, and decisions."""


@stock.command("recommend")
@with_window
@json_option
@output_option
@with_appcontext
@transactional
def recommend_command(start, end, service_level, as_json, output):
    """Per article: demand, value, ABC/XYZ class, recommendation with its rule, reorder point and max level."""
    report = recommendations(db.session, start=start, end=end, service_level=service_level)
    if output:
        _write(output, report_xlsx(report))
    if as_json:
        emit_json(report)
    recommended = sum(1 for a in report["articles"] if a["recommend_stock"])
    window = report["window"]
    click.echo(
        f"{len(report['articles'])} artiklar beställda {window['from']}–{window['to']}; "
        f"{recommended} rekommenderas som lagerartiklar (servicenivå {_percent(report['service_level'])}).",
        err=True,
    )
    return ROLLBACK  # reads only


@stock.command("decide")
@click.option("--supplier", required=True)
@click.option("--article", "article_number", required=True, help="The supplier's article number.")
@click.option("--stock/--not-stock", "is_stock", required=True, help="A stock item at HMC, or not.")
@click.option("--rationale", required=True, help="Why (at most 500 characters, no personal data).")
@json_option
@actor_option
@with_appcontext
@transactional
def decide_command(supplier, article_number, is_stock, rationale, as_json, actor):
    """Record HMC's decision for one article (a new version of its decision; audited)."""
    decision = decide(db.session, supplier, article_number, stock=is_stock, rationale=rationale, actor=actor)
    if as_json:
        emit_json(DecisionSchema().dump(decision))
    what = "lagerartikel" if decision.stock else "inte lagerartikel"
    click.echo(f"{decision.supplier} {decision.article_number}: {what} (beslut nr {decision.number}).", err=True)


@stock.command("list")
@with_window
@json_option
@output_option
@with_appcontext
def list_command(start, end, service_level, as_json, output):
    """The current stock list, with today's reorder points (XLSX with -o)."""
    with fail_on_domain_error(as_json):
        current = stock_list(db.session, start=start, end=end, service_level=service_level)
    if output:
        _write(output, stock_list_xlsx(current))
    if as_json:
        emit_json(current)
    click.echo(f"{len(current['items'])} lagerartiklar.", err=True)


def _percent(share: float) -> str:
    return f"{share * 100:g} %".replace(".", ",")


def _write(path: Path, body: bytes) -> None:
    try:
        path.write_bytes(body)
    except OSError as error:
        click.echo(f"Fel: Kan inte skriva {path}: {error.strerror or error}", err=True)
        sys.exit(1)
    click.echo(f"Skrev {path}.", err=True)
