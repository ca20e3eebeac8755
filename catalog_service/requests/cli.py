from __future__ import annotations

import click
from flask.cli import with_appcontext

from ..auth.models import Role
from ..cli import emit_json, fail_on_domain_error, json_option
from ..extensions import db
from .candidates import DEFAULT_MIN_COUNT, DEFAULT_MONTHS, assortment_candidates
from .schemas import CandidatesSchema


@click.group("requests")
def requests_group():
    """Consultation requests outside the assortment."""


@requests_group.command("candidates")
@click.option(
    "--min-count",
    type=click.IntRange(min=1),
    default=DEFAULT_MIN_COUNT,
    show_default=True,
    help="Asked for at least this many times.",
)
@click.option(
    "--months",
    type=click.IntRange(min=1, max=120),
    default=DEFAULT_MONTHS,
    show_default=True,
    help="Within this many months back from today.",
)
@json_option
@with_appcontext
def candidates_command(min_count, months, as_json):
    """Articles and models asked for out of assortment repeatedly: input for the next procurement."""
    with fail_on_domain_error(as_json):
        # the command line is an operator's tool: it reads as admin, as the other report commands do
        report = assortment_candidates(db.session, roles={Role.admin.value}, min_count=min_count, months=months)
    dumped = CandidatesSchema().dump(report)
    if as_json:
        emit_json(dumped)
        return
    window = dumped["window"]
    click.echo(f"Efterfrågat minst {min_count} gånger {window['from']} – {window['to']}:", err=True)
    for title, key, rows in (
        ("Artiklar", "article_number", dumped["articles"]),
        ("Modeller", "model", dumped["models"]),
    ):
        click.echo(f"{title}: {len(rows)}")
        for row in rows:
            click.echo(f"  {row['supplier'] or '(ingen leverantör)'}\t{row[key]}\t{row['count']}")
