"""The ``catalog`` command line: a Flask CLI group whose commands call the same operations as the API.

Conventions (DESIGN.md): ``--json`` prints one JSON object on stdout and
nothing else there; progress and messages go to stderr; exit 0 on success,
non-zero with a one-line reason on stderr otherwise.
"""

from __future__ import annotations

import json
import os
import sys
import time
from contextlib import contextmanager
from functools import wraps
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext

from .errors import DomainError


def _create_app() -> Flask:
    from . import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False)
def main():
    """HMC catalog and assortment service."""


actor_option = click.option(
    "--actor",
    envvar="CATALOG_ACTOR",
    default=lambda: os.environ.get("USER") or "cli",
    show_default="$USER",
    help="Who is acting (recorded in the audit log). Also CATALOG_ACTOR.",
)
json_option = click.option("--json", "as_json", is_flag=True, help="Print one JSON object on stdout.")


def emit_json(payload) -> None:
    click.echo(json.dumps(payload, ensure_ascii=False, default=str))


@contextmanager
def fail_on_domain_error(as_json: bool = False):
    """Turn a refused operation into one line on stderr (and a JSON error on stdout with --json), exit 1."""
    from .extensions import db

    try:
        yield
    except DomainError as error:
        db.session.rollback()
        if as_json:
            emit_json({"error": error.as_dict()})
        click.echo(f"Fel: {error.message}", err=True)
        sys.exit(1)


def transactional(command):
    """Commit once when the command succeeds; roll back and exit 1 with one line on stderr otherwise."""

    @wraps(command)
    def run(*args, **kwargs):
        from .extensions import db
        from .transactions import transaction

        with fail_on_domain_error(kwargs.get("as_json", False)), transaction(db.session) as work:
            outcome = command(*args, **kwargs)
            if outcome is ROLLBACK or outcome is REFUSED:
                work.discard()
        if outcome is REFUSED:
            sys.exit(1)

    return run


ROLLBACK = object()  # a command's result: roll back, exit 0 (a dry run)
REFUSED = object()  # a command's result: roll back, exit 1 (the input was refused; the command said why)


class Progress:
    """Rows processed, on stderr, at most a few times a second."""

    def __init__(self, label: str):
        self.label = label
        self.last = 0.0
        self.shown = False

    def __call__(self, done: int, expected: int) -> None:
        now = time.monotonic()
        if now - self.last < 0.5:
            return
        self.last, self.shown = now, True
        share = f" ({100 * done // expected} %)" if expected else ""
        click.echo(f"\r{self.label}: {done:,} av cirka {expected:,} rader{share}".replace(",", " "), err=True, nl=False)

    def close(self) -> None:
        if self.shown:
            click.echo("", err=True)


def register_commands(app: Flask) -> None:
    from .assortment.cli import assortment
    from .audit.cli import audit
    from .auth.cli import token, user
    from .contracts.cli import contract
    from .demo.cli import demo
    from .feeds.cli import feed
    from .orders.cli import labels, orders
    from .pricelists.cli import pricelist
    from .requests.cli import requests_group
    from .stock.cli import stock

    for command in (
        init_db,
        contract,
        pricelist,
        assortment,
        feed,
        orders,
        labels,
        stock,
        requests_group,
        user,
        token,
        audit,
        demo,
    ):
        app.cli.add_command(command)


@click.command("init-db")
@with_appcontext
def init_db():
    """Create or upgrade the database schema (Alembic migrations)."""
    from flask_migrate import upgrade

    upgrade(directory=current_app.extensions["migrate"].directory)
    click.echo("Databasen är uppdaterad.", err=True)


def existing_file(value: str) -> Path:
    path = Path(value)
    if not path.is_file():
        raise click.BadParameter(f"filen {value!r} finns inte")
    return path
