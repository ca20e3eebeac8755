"""The ``catalog`` command line: a Flask CLI group whose commands call the same operations as the API.

Conventions (DESIGN.md): ``--json`` prints one JSON object on stdout and
nothing else there; progress and messages go to stderr; exit 0 on success,
non-zero with a one-line reason on stderr otherwise.
"""

from __future__ import annotations

import gc
import json
import os
import sys
import time
from contextlib import contextmanager
from functools import wraps
from importlib import import_module
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext

# The area commands: name → (module, attribute, the command's help). A command's module (and with it the
# models, marshmallow, openpyxl …) is imported only when that command runs or shows its own help, so
# `catalog --help` starts at once. The help text here is the command's docstring; a test keeps them equal.
AREA_COMMANDS = {
    "contract": (".contracts.cli", "contract", "The contract: procured models and base colours."),
    "pricelist": (".pricelists.cli", "pricelist", "Supplier price lists."),
    "assortment": (".assortment.cli", "assortment", "Published assortment versions."),
    "feed": (".feeds.cli", "feed", "E-shop feeds."),
    "orders": (".orders.cli", "orders", "Order history by customer order number."),
    "labels": (
        ".orders.cli",
        "labels",
        ("A PDF label sheet for the order's made-to-measure lines (batch, date, order number; never a name)."),
    ),
    "stock": (".stock.cli", "stock", "Stock items at HMC: recommendations from the order history, and decisions."),
    "requests": (".requests.cli", "requests_group", "Consultation requests outside the assortment."),
    "user": (".auth.cli", "user", "People who use the service."),
    "token": (".auth.cli", "token", "API tokens for people and e-shops."),
    "audit": (".audit.cli", "audit", "The audit log, newest first."),
    "worker": (
        ".jobs.cli",
        "worker",
        "Run the job queue's worker: background imports, webhook deliveries, nightly purge (until stopped).",
    ),
    "webhook": (".webhooks.cli", "webhook", "Webhooks to e-shops: endpoints, their delivery log, redelivery."),
    "demo": (
        ".demo.cli",
        "demo",
        ("Load bundled demo data (a contract, four price lists, orders) and demo people into the database."),
    ),
}
# Commands the extensions add to the app when it is built (Flask-Migrate, flask-smorest): listed without it.
APP_COMMANDS = {"db": "Perform database migrations.", "openapi": "OpenAPI commands."}


def area_command(name: str) -> click.Command:
    """The area's command object (imports its module)."""
    module, attribute, _ = AREA_COMMANDS[name]
    return getattr(import_module(module, __package__), attribute)


class LazyGroup(FlaskGroup):
    """A FlaskGroup that lists its commands without building the app or importing the areas."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        builtin = click.Group.list_commands(self, ctx)  # init-db, run, shell, routes: defined in Flask or here
        return sorted({*builtin, *AREA_COMMANDS, *APP_COMMANDS})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in AREA_COMMANDS:
            return area_command(name)
        if name == "run":  # Flask's run, which also starts the embedded queue's worker (jobs/cli.py)
            return import_module(".jobs.cli", __package__).run
        return super().get_command(ctx, name)  # built-in, or the app's own (db, openapi): builds the app

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list, with each area's help from AREA_COMMANDS instead of importing it."""
        helps = {name: entry[2] for name, entry in AREA_COMMANDS.items()} | APP_COMMANDS
        commands = [
            click.Group.get_command(self, ctx, name) or click.Command(name, help=helps[name])
            for name in self.list_commands(ctx)
        ]
        commands = [command for command in commands if not command.hidden]
        if commands:
            limit = formatter.width - 6 - max(len(command.name) for command in commands)  # as click does
            with formatter.section("Commands"):
                formatter.write_dl([(command.name, command.get_short_help_str(limit)) for command in commands])


_BUILT: list[Flask] = []  # the apps this process built, whose databases run() closes


def _create_app() -> Flask:
    from . import create_app

    app = create_app()
    _BUILT.append(app)
    return app


@click.group(cls=LazyGroup, create_app=_create_app, add_version_option=False)
def main():
    """HMC catalog and assortment service."""


def run() -> None:
    """The ``catalog`` console script: :func:`main`, ended without Python's last sweep over every object.

    At shutdown Python collects garbage over all the objects the app's modules made: about 0.3 s of CPU
    after an import of 300,000 rows (measured), spent after the work is done and committed. Frozen,
    they are left to the operating system, which frees a process's memory at once.
    """
    try:
        main()
    finally:
        _close_databases()  # as shutdown would: SQLite writes its log back into the database file on close
        gc.freeze()


def _close_databases() -> None:
    from .extensions import db

    for app in _BUILT:
        with app.app_context():
            for engine in db.engines.values():
                engine.dispose()


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
    from .errors import DomainError
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
        if not done or now - self.last < 0.5:  # nothing read yet: a file refused at once prints only the reason
            return
        self.last, self.shown = now, True
        share = f" ({100 * done // expected} %)" if expected else ""
        click.echo(f"\r{self.label}: {done:,} av cirka {expected:,} rader{share}".replace(",", " "), err=True, nl=False)

    def close(self) -> None:
        if self.shown:
            click.echo("", err=True)


def register_commands(app: Flask) -> None:
    """Add every command to ``app.cli`` (what ``app.test_cli_runner()`` invokes); imports every area."""
    app.cli.add_command(init_db)
    for name in AREA_COMMANDS:
        app.cli.add_command(area_command(name), name)


@click.command("init-db")
@with_appcontext
def init_db():
    """Create or upgrade the database schema (Alembic migrations)."""
    from flask_migrate import upgrade

    upgrade(directory=current_app.extensions["migrate"].directory)
    click.echo("Databasen är uppdaterad.", err=True)


main.add_command(init_db)


def existing_file(value: str) -> Path:
    path = Path(value)
    if not path.is_file():
        raise click.BadParameter(f"filen {value!r} finns inte")
    return path
