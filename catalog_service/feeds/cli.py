from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from exports.registry import FORMATS

from ..cli import fail_on_domain_error
from ..extensions import db
from ..suppliers import profile_for
from .service import feed_body, feed_head


@click.group("feed")
def feed():
    """E-shop feeds."""


@feed.command("export")
@click.option("--supplier", required=True)
@click.option("--format", "format_name", type=click.Choice(sorted(FORMATS)), required=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@with_appcontext
def export(supplier, format_name, output):
    """Write the supplier's current feed to a file: the same bytes the e-shop gets."""
    with fail_on_domain_error():
        head = feed_head(db.session, profile_for(supplier).code, format_name)
        body = feed_body(db.session, head, gzipped=False)
    try:
        output.write_bytes(body)
    except OSError as error:
        click.echo(f"Fel: Kan inte skriva {output}: {error.strerror or error}", err=True)
        sys.exit(1)
    click.echo(f"Version {head.version_number} skriven till {output}.", err=True)
