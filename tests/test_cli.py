"""The ``catalog`` group: lists its commands without building the app, so it starts at once (issue 12)."""

from __future__ import annotations

import inspect
import re
import subprocess
import sys

import pytest

from catalog_service.cli import AREA_COMMANDS, area_command

# Imported only when a command runs: the models, the API's schemas, the file readers and writers.
HEAVY = ("sqlalchemy", "marshmallow", "flask_smorest", "openpyxl", "reportlab", "pygal", "rapidfuzz", "PIL")


def _modules_after(*args: str) -> set[str]:
    code = (
        "import sys\n"
        "from catalog_service.cli import main\n"
        "try:\n"
        f"    main({list(args)!r}, prog_name='catalog')\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(' '.join(sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(done.stdout.split())


@pytest.mark.parametrize("args", [("--help",), ("pricelist", "--help")])
def test_help_imports_no_models_schemas_or_file_libraries(args):
    loaded = _modules_after(*args)
    assert not {name for name in HEAVY if name in loaded}
    assert "catalog_service.extensions" not in loaded


@pytest.mark.parametrize("name", sorted(AREA_COMMANDS))
def test_listed_help_is_the_commands_own(name):
    command = area_command(name)
    first_paragraph = inspect.cleandoc(command.help).split("\n\n")[0].replace("\n", " ")
    assert AREA_COMMANDS[name][2] == first_paragraph
    assert command.name in (name, "requests")


def test_help_lists_every_area_command_and_the_app_commands():
    done = subprocess.run(
        [sys.executable, "-c", "from catalog_service.cli import main; main(['--help'], prog_name='catalog')"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0
    listed = set(re.findall(r"^  (\S+)", done.stdout.split("Commands:")[1], re.MULTILINE))
    assert listed >= {*AREA_COMMANDS, "init-db", "db", "openapi", "run", "routes", "shell"}


def test_the_console_script_runs_main_and_leaves_its_objects_to_the_operating_system(monkeypatch):
    """``catalog`` exits with main's status, with the objects frozen: no last garbage sweep at shutdown."""
    import gc

    from catalog_service import cli

    def main():
        sys.exit(3)

    monkeypatch.setattr(cli, "main", main)
    try:
        with pytest.raises(SystemExit) as exited:
            cli.run()
        assert exited.value.code == 3
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_the_console_script_closes_the_database_before_it_ends(tmp_path):
    """A SQLite database is whole in its file when the command has ended: its write-ahead log is written back."""
    import os
    import sqlite3
    from pathlib import Path

    database = tmp_path / "catalog.sqlite3"
    env = {**os.environ, "CATALOG_DATABASE_URL": f"sqlite:///{database}"}
    catalog = Path(sys.executable).with_name("catalog")
    subprocess.run([str(catalog), "init-db"], env=env, check=True, capture_output=True)

    assert not Path(f"{database}-wal").exists()
    copy = tmp_path / "copy.sqlite3"
    copy.write_bytes(database.read_bytes())  # the file alone, as a plain copy takes it
    with sqlite3.connect(copy) as connection:
        assert connection.execute("SELECT count(*) FROM sqlite_master WHERE name = 'pricelist_rows'").fetchone() == (1,)
