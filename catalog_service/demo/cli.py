from __future__ import annotations

import click
from flask.cli import with_appcontext


@click.command("demo")
@with_appcontext
def demo():
    """Load bundled demo data into the database (placeholder until demo data lands)."""
    raise click.ClickException("demo data is not ready yet")
