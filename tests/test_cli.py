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
