"""Bad files: each is refused with a clear Swedish message through the CLI and the API, and nothing is written.

Every case runs twice, through ``catalog pricelist import --json`` (exit 1, one line on
stderr, ``{"error": ...}`` on stdout) and through ``POST /api/v1/pricelists`` (the JSON
error shape with 415 for files that are no plain workbook or CSV text, 422 for files that
cannot be read or used). "Nothing was written" means every table has as many rows
after as before, and no ``catalog-upload-*`` folder is left in the temp directory.
"""

from __future__ import annotations

import io
import json
import os
import re
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from catalog_service.extensions import db
from catalog_service.pricelists.models import PriceListImport, PriceListRow
from importers.errors import ImportFileError
from importers.isolation import ChildLimits, stream_from_child
from tests.factories import formats
from tests.factories import workbooks as wb
from tests.helpers import table_counts

CHANNELS = ("cli", "api")
FAST_SECONDS = 5.0
UPLOAD_PREFIX = "catalog-upload-"

MEDI_MODELS = [
    wb.ContractModel("Medi", 1, "SOL1-AD", compression_class="KKL 1", price=371.5),
    wb.ContractModel("Medi", 2, "VEG2-AD", price=449.5),
    wb.ContractModel("Medi", 3, "LUN2-AG", garment_type="Lårstrumpa", price=637.5),
    wb.ContractModel("Juzo", 4, "3511-AD", price=512.0),
]
BASE_COLOURS = [("Medi", "Sand", "Sand"), ("Medi", "Svart", "Svart"), ("Juzo", "Beige", "Beige, 17")]
JUZO_LAYOUT = wb.supplier_layout("juzo")
# Words a Swedish message about a file uses; and verbs that tell the reader what to do.
SWEDISH = re.compile(r"\b(filen|arbetsboken|bladet|flik|rubrik\w*|kolumn|leverantör\w*)\b", re.IGNORECASE)
ADVICE = re.compile(r"\b(spara|ta bort|be leverantören|kontrollera|dela upp|välj|lägg till|byt)\b", re.IGNORECASE)


@pytest.fixture
def client(officer_client):
    """Uploads and reads act as a procurement officer."""
    return officer_client


# --- files ---------------------------------------------------------------------------------------


def _rewrite_sheet(source: Path, target: Path, change: Callable[[bytes], bytes]) -> Path:
    """Copy a workbook, passing ``xl/worksheets/sheet1.xml`` through ``change``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info)
            new.writestr(info, change(data) if info.filename == "xl/worksheets/sheet1.xml" else data)
    target.write_bytes(buffer.getvalue())
    return target


def far_cell_without_dimension(directory: Path) -> Path:
    """``x`` in A1 and ``y`` in XFD1048576, and no ``<dimension>`` tag to give it away."""
    source = wb.far_cell_workbook(directory, name="kalla.xlsx")
    return _rewrite_sheet(
        source, directory / "utan-dimension.xlsx", lambda xml: re.sub(rb"<dimension [^>]*/>", b"", xml)
    )


def far_cell_truthful_looking(directory: Path) -> Path:
    """A cell at XFD1048576 under a modest, truthful-looking ``<dimension ref="A1:J7"/>``."""
    source = wb.far_cell_workbook(directory, name="kalla.xlsx")
    return _rewrite_sheet(
        source,
        directory / "sann-dimension.xlsx",
        lambda xml: re.sub(rb"<dimension [^>]*/>", b'<dimension ref="A1:J7"/>', xml),
    )


def no_header_workbook(directory: Path) -> Path:
    return wb.price_list(
        directory,
        ["Information"],
        [["Prislistan gäller från 2026-05-01."], ["Frågor: kundtjänst"]],
        sheet="Info",
        name="utan-rubrik.xlsx",
    )


def missing_class_column(directory: Path) -> Path:
    """Medi's layout without the required KKL column."""
    drop = wb.SMALL_LAYOUT.index("KKL")
    rows = [row[:drop] + row[drop + 1 :] for row in wb.SMALL_ROWS]
    layout = wb.SMALL_LAYOUT[:drop] + wb.SMALL_LAYOUT[drop + 1 :]
    return wb.price_list(directory, layout, rows, name="utan-kkl.xlsx")


def juzo_layout(directory: Path) -> Path:
    rows = [
        ["JZ3511001", "4054533000016", "Juzo Soft", "3511-AD", 2, "Knästrumpa", "II", "Kort", "Beige", "17", 512.0],
        ["JZ3511002", "4054533000023", "Juzo Soft", "3511-AD", 2, "Knästrumpa", "III", "Lang", "Schwarz", "10", 512.0],
    ]
    return wb.price_list(directory, JUZO_LAYOUT, rows, name="juzo-preisliste.xlsx")


def zip_bomb(directory: Path) -> Path:
    return wb.zip_bomb_ratio(directory, size=8 * 1024 * 1024)


SECRET = "HEMLIGT-7Q4Z-lösenord"  # a local file's content that an external entity would pull into a cell


def external_entity(directory: Path) -> Path:
    secret = directory / "hemlig.txt"
    secret.write_text(SECRET, encoding="utf-8")
    return wb.external_entity_workbook(directory, secret)


@dataclass(frozen=True)
class BadFile:
    id: str
    build: Callable[[Path], Path]
    status: int
    code: str
    words: tuple[str, ...]  # each must be in the message (case-insensitive)
    details: dict | None = None  # items that must be in the error's details
    advice: bool = True  # the message says what to do
    child_abort: bool = False  # the reader child dies; the parent must answer and live on

    def __str__(self) -> str:
        return self.id


BAD_FILES = [
    # not an .xlsx workbook: 415
    BadFile("empty", wb.empty_file, 415, "unsupported", ("tom", ".xlsx")),
    BadFile("not-text", formats.binary_file, 415, "unsupported", ("arbetsbok", "textfil", "csv")),
    BadFile("ole-without-workbook", wb.xls_renamed, 415, "unsupported", ("office-dokument", "excel-arbetsbok")),
    BadFile("ods-password", formats.encrypted_ods, 415, "unsupported", ("lösenord",)),
    BadFile("ods-macros", formats.macro_ods, 415, "unsupported", ("makro",)),
    BadFile("password", wb.encrypted_workbook, 415, "unsupported", ("lösenord",)),
    BadFile("zip-without-workbook", wb.zip_without_workbook, 415, "unsupported", ("arbetsbok", ".xlsx")),
    BadFile("macros", wb.macro_workbook, 415, "unsupported", ("makro", ".xlsx")),
    BadFile("external-links", wb.external_link_workbook, 415, "unsupported", ("extern",)),
    # unreadable, dangerous or unusable: 422
    BadFile("truncated-zip", wb.truncated_zip, 422, "unreadable", ("skadad",)),
    BadFile("corrupt-zip", wb.corrupt_zip, 422, "unreadable", ("skadad",)),
    BadFile("zip-bomb-ratio", zip_bomb, 422, "unreadable", ("zip-bomb",)),
    BadFile("zip-many-entries", wb.zip_many_entries, 422, "unreadable", ("för många delar", "2000")),
    BadFile("far-cell", wb.far_cell_workbook, 422, "unreadable", ("för stort", "XFD1048576")),
    BadFile("lying-dimension", wb.lying_dimension_workbook, 422, "unreadable", ("för stort", "XFD1048576")),
    # python-calamine aborted on these (a sheet it would hold whole); the streaming .xlsx reader reads them row by
    # row in bounded memory, finds no price-list header in ``x`` and says so, quickly.
    BadFile("far-cell-no-dimension", far_cell_without_dimension, 422, "unreadable", ("rubrikrad",), advice=False),
    BadFile("far-cell-truthful-dimension", far_cell_truthful_looking, 422, "unreadable", ("rubrikrad",), advice=False),
    BadFile(
        "billion-laughs",
        wb.billion_laughs_workbook,
        422,
        "unreadable",
        ("DTD",),
        details={"part": "xl/sharedStrings.xml"},
    ),
    BadFile("ods-doctype", formats.doctype_ods, 422, "unreadable", ("DTD",), details={"part": "settings.xml"}),
    BadFile(
        "csv-neither-encoding",
        formats.csv_in_neither_encoding,
        422,
        "unreadable",
        ("varken UTF-8 eller Windows-1252", "rad 3", "0x81"),
        details={"row": 3, "byte": "0x81"},
    ),
    BadFile("external-entity", external_entity, 422, "unreadable", ("DTD",), details={"part": "xl/sharedStrings.xml"}),
    BadFile(
        "utf16-doctype", wb.utf16_doctype_workbook, 422, "unreadable", ("DTD",), details={"part": "[Content_Types].xml"}
    ),
    BadFile(
        "rows-beyond-excel",
        wb.rows_beyond_excel_workbook,
        422,
        "unreadable",
        ("för många rader", "1048577"),
        details={"sheet": "Blad1", "rows": 1_048_577, "max_rows": 1_048_576},
    ),
    BadFile(
        "control-character",
        wb.control_character_workbook,
        422,
        "unreadable",
        ("styrtecken", "U+0007", "Produktnamn", "C4"),
        details={"sheet": "Blad1", "row": 4, "column": "Produktnamn", "cell": "C4", "character": "U+0007"},
    ),
    BadFile(
        "no-header",
        no_header_workbook,
        422,
        "unreadable",
        ("rubrikrad",),
        details={"skipped_sheets": ["Info"]},
        advice=False,  # see test_header_messages_say_what_to_do
    ),
    BadFile(
        "missing-required-column",
        missing_class_column,
        422,
        "unreadable",
        ("Art.nr", "Pris exkl moms", "KKL", "Kompressionsklass"),  # headers found, names tried
        details={"missing": ["compression_class"], "row": 1, "sheet": "Blad1"},
        advice=False,  # see test_header_messages_say_what_to_do
    ),
    BadFile(
        "wrong-supplier",
        juzo_layout,
        422,
        "wrong_supplier",
        ("juzo", "leverantör"),
        details={"likely_supplier": "juzo"},
    ),
]
FAR_CELL_IDS = {
    "far-cell",
    "lying-dimension",
    "far-cell-no-dimension",
    "far-cell-truthful-dimension",
    "rows-beyond-excel",
    "billion-laughs",
}


# --- fixtures and helpers ------------------------------------------------------------------------


@pytest.fixture
def files(tmp_path) -> Path:
    folder = tmp_path / "files"
    folder.mkdir()
    return folder


@pytest.fixture
def medi_contract(app, tmp_path):
    """A small self-made contract (Medi and one Juzo model), loaded as the active contract."""
    from catalog_service.contracts.service import load_contract

    folder = tmp_path / "contract"
    folder.mkdir()
    path = wb.contract(folder, MEDI_MODELS, BASE_COLOURS)
    with app.app_context():
        contract = load_contract(db.session, path, actor="upphandlare1")
        db.session.commit()
        return contract.id


@pytest.fixture(autouse=True)
def upload_dirs(monkeypatch, tmp_path) -> list[Path]:
    """A private temp directory for the test, and the folders the API makes in it.

    ``tempfile.gettempdir()`` points at the private directory, so the leftover check
    sees only this test's folders; the list records every folder made, so a test
    can also show that the upload folder existed before it was removed.
    """
    private = tmp_path / "tmp"
    private.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(private))
    made: list[Path] = []
    original = tempfile.mkdtemp

    def recording_mkdtemp(*args, **kwargs):
        name = original(*args, **kwargs)
        made.append(Path(name))
        return name

    monkeypatch.setattr(tempfile, "mkdtemp", recording_mkdtemp)
    return made


def leftover_upload_dirs() -> list[str]:
    return sorted(p.name for p in Path(tempfile.gettempdir()).glob(UPLOAD_PREFIX + "*"))


def child_pids() -> set[int]:
    """Live children of this process (Linux), to show that the reader child was reaped."""
    children: set[int] = set()
    for task in Path("/proc/self/task").glob("*"):
        try:
            children.update(int(pid) for pid in (task / "children").read_text().split())
        except OSError:
            continue
    return children


@dataclass
class Refusal:
    status: int  # the exit code for the CLI
    error: dict
    stderr: str = ""


def import_file(channel: str, runner, client, path: Path, supplier: str = "medi"):
    """Import ``path`` through the CLI or the API; the raw result."""
    if channel == "cli":
        return runner.invoke(args=["pricelist", "import", str(path), "--supplier", supplier, "--json"])
    return post_upload(client, path, supplier)


def post_upload(client, path: Path, supplier: str = "medi"):
    """POST the file as multipart form data, encoded in memory.

    (The test client's own encoder spills bodies above 500 KB to a temporary file
    that it never closes, which pytest reports as an unraisable ResourceWarning.)
    """
    upload = FileStorage(io.BytesIO(path.read_bytes()), filename=path.name, content_type="application/octet-stream")
    boundary, body = encode_multipart({"supplier": supplier, "file": upload})
    return client.post("/api/v1/pricelists", data=body, content_type=f"multipart/form-data; boundary={boundary}")


def refuse(channel: str, runner, client, path: Path, supplier: str = "medi") -> Refusal:
    """Import ``path`` and check the channel's error conventions; the error object."""
    result = import_file(channel, runner, client, path, supplier)
    if channel == "cli":
        assert isinstance(result.exception, SystemExit), result.exception
        stdout = result.stdout.strip()
        assert "\n" not in stdout, f"--json must print one JSON object, got {result.stdout!r}"
        body = json.loads(stdout)
        stderr = result.stderr.strip()
        assert stderr and "\n" not in stderr, f"one line on stderr, got {result.stderr!r}"
        assert "Traceback" not in result.stderr
        refusal = Refusal(result.exit_code, body["error"], stderr)
        assert stderr == f"Fel: {refusal.error['message']}"
    else:
        assert result.is_json, result.get_data(as_text=True)[:300]
        body = result.get_json()
        refusal = Refusal(result.status_code, body["error"])
    assert set(body) == {"error"}
    assert set(refusal.error) == {"code", "message", "details"}
    assert refusal.error["details"] is None or isinstance(refusal.error["details"], dict)
    return refusal


def assert_clear_swedish(message: str, *, advice: bool = True) -> None:
    assert SWEDISH.search(message), f"not a Swedish message about the file: {message!r}"
    assert "\n" not in message
    for english in ("error", "traceback", "exception", "zlib", "calamine", "errno"):
        assert english not in message.lower(), message
    if advice:
        assert ADVICE.search(message), f"the message does not say what to do: {message!r}"


# --- the bad files -------------------------------------------------------------------------------


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize("case", BAD_FILES, ids=str)
def test_bad_file_is_refused_and_nothing_is_written(
    app, runner, client, medi_contract, files, upload_dirs, case, channel
):
    path = case.build(files)
    before = table_counts(app)
    assert before["contracts"] == 1 and before["procured_models"] == len(MEDI_MODELS)
    children = child_pids()

    started = time.monotonic()
    refusal = refuse(channel, runner, client, path)
    elapsed = time.monotonic() - started

    expected_status = 1 if channel == "cli" else case.status
    assert refusal.status == expected_status, refusal.error
    assert refusal.error["code"] == case.code
    message = refusal.error["message"]
    for word in case.words:
        assert word.lower() in message.lower(), f"{word!r} not in {message!r}"
    assert_clear_swedish(message, advice=case.advice)
    for key, value in (case.details or {}).items():
        assert refusal.error["details"][key] == value, refusal.error["details"]
    if case.id in FAR_CELL_IDS:
        assert elapsed < FAST_SECONDS, f"took {elapsed:.1f} s"
    if case.child_abort:
        assert refusal.error["details"]["exit_code"] < 0  # killed by a signal: the reader aborted
        assert child_pids() <= children, "the reader child was not reaped"

    assert table_counts(app) == before
    assert leftover_upload_dirs() == []
    if channel == "api":
        made = [p.name for p in upload_dirs if p.name.startswith(UPLOAD_PREFIX)]
        assert len(made) == 1, made  # the upload reached the view, and its folder is gone


@pytest.mark.parametrize("channel", CHANNELS)
def test_service_lives_on_after_the_reader_aborts(app, runner, client, medi_contract, files, channel):
    """The child that aborts on a far cell takes nothing with it: the next import works."""
    refusal = refuse(channel, runner, client, far_cell_without_dimension(files))
    assert refusal.error["code"] == "unreadable"

    result = import_file(channel, runner, client, wb.small_price_list(files))
    if channel == "cli":
        assert result.exit_code == 0, result.output
        summary = json.loads(result.stdout)
    else:
        assert result.status_code == 201, result.get_json()
        summary = result.get_json()
    assert summary["status"] == "draft" and summary["data_rows"] == len(wb.SMALL_ROWS)


@pytest.mark.parametrize("channel", CHANNELS)
def test_wrong_supplier_file_imports_under_its_own_supplier(app, runner, client, medi_contract, files, channel):
    """The Juzo file is fine for juzo: the refusal is about the chosen supplier, not the file."""
    path = juzo_layout(files)
    refusal = refuse(channel, runner, client, path, supplier="medi")
    assert "Medi" in refusal.error["message"] and "Juzo" in refusal.error["message"]

    result = import_file(channel, runner, client, path, supplier="juzo")
    status = result.exit_code if channel == "cli" else result.status_code
    assert status == (0 if channel == "cli" else 201)


@pytest.mark.parametrize(
    "case",
    [case for case in BAD_FILES if not case.advice],
    ids=str,
)
def test_header_messages_say_what_to_do(app, runner, client, medi_contract, files, case):
    refusal = refuse("api", runner, client, case.build(files))
    assert_clear_swedish(refusal.error["message"], advice=True)
    assert not re.search(r"\b[a-z]+_[a-z_]+\b", refusal.error["message"]), "field names in English"


# --- too large for the server --------------------------------------------------------------------


@pytest.fixture
def small_upload_client(app, officer_client):
    """A client of an app that takes uploads of at most 4 KiB."""
    app.config["MAX_CONTENT_LENGTH"] = 4096
    return officer_client


def test_upload_above_the_size_limit_gives_json_413(app, small_upload_client, medi_contract, files, upload_dirs):
    path = wb.price_list(files, wb.SMALL_LAYOUT, wb.SMALL_ROWS * 40, name="stor.xlsx")
    assert path.stat().st_size > 4096
    before = table_counts(app)

    response = post_upload(small_upload_client, path)

    assert response.status_code == 413
    assert response.is_json, response.get_data(as_text=True)[:300]
    error = response.get_json()["error"]
    assert set(error) == {"code", "message", "details"}
    assert error["code"] == "request_entity_too_large"
    assert error["details"] == {"max_bytes": 4096}
    assert "4096" in error["message"]
    assert_clear_swedish(error["message"])
    assert table_counts(app) == before
    assert leftover_upload_dirs() == []
    assert not [p for p in upload_dirs if p.name.startswith(UPLOAD_PREFIX)]  # refused before the view


# --- files that look odd but are fine ------------------------------------------------------------


def _formula_file(files: Path) -> Path:
    """Prices as formulas, and the product name as a text formula, each with a cached value."""
    rows = []
    for i, row in enumerate(wb.SMALL_ROWS):
        price = wb.Formula(f"=400+{i * 10 + 9.5}", 400 + i * 10 + 9.5)
        name = wb.Formula(f'="{row[2]}"&" Soft"', f"{row[2]} Soft")
        rows.append([*row[:2], name, *row[3:-1], price])
    return wb.price_list(files, wb.SMALL_LAYOUT, rows, name="formler.xlsx")


@pytest.mark.parametrize("channel", CHANNELS)
def test_formula_cells_import_as_their_cached_values(app, runner, client, medi_contract, files, channel):
    result = import_file(channel, runner, client, _formula_file(files))
    if channel == "cli":
        assert result.exit_code == 0, result.output
        summary = json.loads(result.stdout)
    else:
        assert result.status_code == 201, result.get_json()
        summary = result.get_json()
    assert summary["status"] == "draft"
    assert summary["data_rows"] == len(wb.SMALL_ROWS)
    assert summary["excluded"]["invalid_row"] == 0, summary["errors"]

    text_columns = [c for c in PriceListRow.__table__.columns if c.type.python_type is str]
    with app.app_context():
        rows = db.session.scalars(
            select(PriceListRow).where(PriceListRow.import_id == summary["import_id"]).order_by(PriceListRow.row_number)
        ).all()
        assert [r.price_ore for r in rows] == [40950, 41950, 42950, 43950, 44950, 45950]
        assert [r.name for r in rows] == [f"{row[2]} Soft" for row in wb.SMALL_ROWS]
        for row in rows:
            for column in text_columns:
                value = getattr(row, column.key)
                assert not (isinstance(value, str) and value.startswith("=")), (column.key, value)
        assert db.session.scalar(select(func.count()).select_from(PriceListImport)) == 1


def test_sheet_without_cell_references_reads_like_one_with_them(app, runner, medi_contract, files):
    """Some generators write ``<c>`` and ``<row>`` without ``r``; positions then follow document order."""
    plain = wb.small_price_list(files)
    bare = _rewrite_sheet(plain, files / "utan-r.xlsx", lambda xml: re.sub(rb' r="[A-Z]*[0-9]+"', b"", xml))
    with zipfile.ZipFile(bare) as archive:
        assert b' r="' not in archive.read("xl/worksheets/sheet1.xml")

    summaries = []
    for path in (plain, bare):
        result = runner.invoke(args=["pricelist", "import", str(path), "--supplier", "medi", "--json", "--dry-run"])
        assert result.exit_code == 0, result.output
        summaries.append(json.loads(result.stdout))
    keep = ("data_rows", "skipped_rows", "allowed", "excluded", "invalid_by_kind", "unknown_colours", "sheets")
    assert {k: summaries[1][k] for k in keep} == {k: summaries[0][k] for k in keep}
    assert summaries[0]["data_rows"] == len(wb.SMALL_ROWS)


# --- the reader child's own limits ---------------------------------------------------------------


def _abort() -> Iterator:
    """What calamine does on some hostile sheets: the whole process ends on a signal, nothing is sent."""
    os.abort()
    yield  # pragma: no cover - a generator, as the child expects


def test_reader_child_that_aborts_becomes_a_clear_refusal_and_is_reaped():
    children = child_pids()
    with pytest.raises(ImportFileError) as raised:
        list(stream_from_child(_abort))
    error = raised.value
    assert error.kind == "unreadable" and error.details["exit_code"] < 0  # killed by a signal
    assert "avbröts" in error.message
    assert_clear_swedish(error.message)
    assert child_pids() <= children


def test_reader_child_past_its_time_limit_is_killed_with_a_clear_error():
    started = time.monotonic()
    with pytest.raises(ImportFileError) as raised:
        list(stream_from_child(time.sleep, 30, limits=ChildLimits(seconds=1.0)))
    assert time.monotonic() - started < 10
    error = raised.value
    assert error.kind == "unreadable" and error.details["exit_code"] < 0
    assert "för lång tid" in error.message
    assert_clear_swedish(error.message)
