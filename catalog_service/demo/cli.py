from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from ..cli import transactional
from ..extensions import db
from .service import DEMO_PEOPLE, create_demo_people, load_demo


@click.command("demo")
@click.option(
    "--password",
    envvar="CATALOG_DEMO_PASSWORD",
    default="demo-2026",
    show_default=True,
    help="Password of the demo people (upphandlare1, upphandlare2, hmc1, forskrivare1, admin, leverantor1).",
)
@with_appcontext
@transactional
def demo(password):
    """Load bundled demo data (a contract, four price lists, orders) and demo people into the database."""
    folder = Path(current_app.instance_path) / "demo"
    folder.mkdir(parents=True, exist_ok=True)
    for supplier, result in load_demo(db.session, folder).items():
        click.echo(f"{supplier}: {result.data_rows} rader, {result.allowed} tillåtna ({result.status})", err=True)
    made = create_demo_people(db.session, password)
    if made:
        click.echo(f"Demoanvändare: {', '.join(name for name, _ in DEMO_PEOPLE)}; lösenord: {password}", err=True)
