# ruff: noqa: F811  (the fixtures of test_bad_files.py are imported by name and used as arguments)
"""Hostile uploads beyond test_bad_files.py's table: what must not leak, every control character, the
configured row limit, and file names that try to climb folders or hide their extension."""

from __future__ import annotations

import io
import time
from pathlib import Path

import pytest
from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from catalog_service.extensions import db
from catalog_service.files import SourceFile, safe_name
from tests.factories import workbooks as wb
from tests.helpers import database_text, table_counts
from tests.pricelists.test_bad_files import (  # noqa: F401  (fixtures used by name)
    CHANNELS,
    FAST_SECONDS,
    SECRET,
    assert_clear_swedish,
    client,
    external_entity,
    files,
    import_file,
    leftover_upload_dirs,
    medi_contract,
    refuse,
    upload_dirs,
)


@pytest.mark.parametrize("channel", CHANNELS)
def test_external_entity_pulls_nothing_into_the_answer_or_the_database(
    app, runner, client, medi_contract, files, channel
):
    path = external_entity(files)
    before = table_counts(app)

    result = import_file(channel, runner, client, path)

    shown = result.output if channel == "cli" else result.get_data(as_text=True)
    assert SECRET not in shown and "HEMLIGT" not in shown
    assert table_counts(app) == before
    everything, blobs = database_text(app)
    assert "HEMLIGT" not in everything and b"HEMLIGT" not in blobs


@pytest.mark.parametrize(
    ("character", "code"),
    [
        ("\x00", "U+0000"),
        ("\x1b", "U+001B"),
        ("\x0b", "U+000B"),
        ("\x7f", "U+007F"),
        ("\x85", "U+0085"),
        ("\u202e", "U+202E"),
        ("\u2066", "U+2066"),
    ],
    ids=["nul", "escape", "vertical-tab", "delete", "c1-next-line", "right-to-left-override", "isolate"],
)
def test_control_character_in_a_cell_is_refused_naming_the_cell(
    app, runner, client, medi_contract, files, character, code
):
    path = wb.control_character_workbook(files, character=character, row=2)
    before = table_counts(app)

    refusal = refuse("api", runner, client, path)

    assert refusal.status == 422
    assert refusal.error["details"] == {
        "sheet": "Blad1",
        "row": 3,
        "column": "Produktnamn",
        "cell": "C3",
        "character": code,
    }
    assert code in refusal.error["message"] and "'Blad1' rad 3" in refusal.error["message"]
    assert character not in refusal.error["message"]
    assert_clear_swedish(refusal.error["message"])
    assert table_counts(app) == before
    assert leftover_upload_dirs() == []


def test_control_character_in_a_late_batch_writes_nothing(app, runner, client, medi_contract, files):
    """The refusal comes after earlier batches reached the database: the import's transaction takes them back."""
    rows = [[f"MD{n:07d}", "", "Sol", "SOL1-AD", 1, "Knästrumpa", "I", "Kort", "Sand", 371.5] for n in range(12_000)]
    rows[11_000][8] = "Sa\x1bnd"
    path = wb.price_list(files, wb.SMALL_LAYOUT, rows, name="sen-styrtecken.xlsx")
    before = table_counts(app)

    refusal = refuse("api", runner, client, path)

    assert refusal.error["details"]["row"] == 11_002 and refusal.error["details"]["column"] == "Färg"
    assert table_counts(app) == before


def test_tab_and_line_breaks_in_a_cell_are_not_control_characters(app, runner, client, medi_contract, files):
    rows = [list(r) for r in wb.SMALL_ROWS]
    rows[0][2] = "Sol\tSoft\nrad två\r\n"
    response = import_file("api", runner, client, wb.price_list(files, wb.SMALL_LAYOUT, rows))
    assert response.status_code == 201, response.get_json()


@pytest.fixture
def twenty_rows_at_most(app):
    app.config["READER_MAX_ROWS"] = 20


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize("dimension", ["truthful", "missing"])
def test_more_rows_than_the_configured_limit_are_refused_quickly(
    app, runner, client, medi_contract, files, twenty_rows_at_most, channel, dimension
):
    rows = [[f"MD{n:07d}", "", "Sol", "SOL1-AD", 1, "Knästrumpa", "I", "Kort", "Sand", 371.5] for n in range(30)]
    path = wb.price_list(files, wb.SMALL_LAYOUT, rows, name="trettio-rader.xlsx")
    if dimension == "missing":  # only the reader child can count the rows then
        path.write_bytes(wb._rewrite_zip(path.read_bytes(), change={"xl/worksheets/sheet1.xml": _no_dimension}))
    before = table_counts(app)

    started = time.monotonic()
    refusal = refuse(channel, runner, client, path)

    assert time.monotonic() - started < FAST_SECONDS
    assert refusal.error["code"] == "unreadable"
    expected = "högst 20 rader"
    assert expected in refusal.error["message"], refusal.error["message"]
    assert_clear_swedish(refusal.error["message"])
    assert table_counts(app) == before
    assert leftover_upload_dirs() == []


def _no_dimension(xml: bytes) -> bytes:
    import re

    return re.sub(rb"<dimension [^>]*/>", b"", xml)


# --- file names -----------------------------------------------------------------------------------


HOSTILE_NAMES = {
    "parent-folders": "../../../../tmp/utanfor.xlsx",
    "windows-folders": "..\\..\\Windows\\utanfor.xlsx",
    "nul": "prislista\x00.exe.xlsx",
    "right-to-left-override": "prislista\u202exslx.exe",
    "only-dots": "..",
}


@pytest.mark.parametrize("name", HOSTILE_NAMES.values(), ids=HOSTILE_NAMES.keys())
def test_hostile_upload_name_is_stored_under_a_safe_name(
    app, client, medi_contract, files, tmp_path, name, monkeypatch
):
    monkeypatch.chdir(tmp_path)  # a name that climbed folders would land near here
    upload = FileStorage(io.BytesIO(wb.small_price_list(files).read_bytes()), filename=name)
    boundary, body = encode_multipart({"supplier": "medi", "file": upload})

    response = client.post("/api/v1/pricelists", data=body, content_type=f"multipart/form-data; boundary={boundary}")

    assert response.status_code == 201, response.get_json()
    with app.app_context():
        (stored,) = db.session.scalars(select(SourceFile.filename)).all()
    assert stored in ("prislista.xlsx", "utanfor.xlsx", "Windowsutanfor.xlsx"), stored  # the parser drops \\
    assert stored.isprintable() and "/" not in stored and "\\" not in stored and not stored.startswith(".")
    assert not list(Path("/tmp").glob("utanfor.xlsx")) and not list(tmp_path.rglob("utanfor.xlsx"))
    assert leftover_upload_dirs() == []


@pytest.mark.parametrize(
    ("name", "stored"),
    [
        ("C:\\Users\\x\\Skrivbord\\prislista-medi.xlsx", "prislista-medi.xlsx"),
        ("../../etc/passwd", "passwd"),
        ("lista\u202egpj.xlsx", "reserv.xlsx"),
        ("lista\x00.xlsx", "reserv.xlsx"),
        ("lista\x1b[31m.xlsx", "reserv.xlsx"),
        ("lista\nSet-Cookie: x=1.xlsx", "reserv.xlsx"),
        ("anna.andersson@example.com.xlsx", "reserv.xlsx"),
        (" . ", "reserv.xlsx"),
        ("Juzo Preisliste 2026 (1).xlsx", "Juzo Preisliste 2026 (1).xlsx"),
    ],
)
def test_safe_name(name, stored):
    assert safe_name(name, fallback="reserv.xlsx") == stored
