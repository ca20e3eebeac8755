from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from ..cli import transactional
from ..extensions import db
from .service import load_demo


@click.command("demo")
@with_appcontext
@transactional
def demo():
    """Load bundled demo data (a contract and four price lists) into the database."""
    folder = Path(current_app.instance_path) / "demo"
    folder.mkdir(parents=True, exist_ok=True)
    for supplier, result in load_demo(db.session, folder).items():
        click.echo(f"{supplier}: {result.data_rows} rader, {result.allowed} tillåtna ({result.status})", err=True)
