"""Acceptance (issue 14, items 1-3): price lists as suppliers send them, .xls, .ods and CSV, read like .xlsx.

Each sample list is converted once per session: by LibreOffice to .xls and .ods (one ``soffice`` run
per format for all four lists) and, with Python, to the CSV a Swedish Excel saves (``;``, decimal
comma, Windows-1252). Every one must give exactly the sample's expected figures and allowed set; the
CSV's row numbers are its line numbers. Refused files (a password-protected or macro-carrying .xls)
leave every table as it was.
"""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select

from catalog_service.extensions import db
from catalog_service.pricelists.models import PriceListRow
from catalog_service.pricelists.service import import_price_list
from importers.pricelist import ReadSummary, SheetLayout, parsed_rows, read_price_list
from importers.profiles import load_profiles
from tests.conftest import SAMPLES
from tests.factories import formats
from tests.factories import workbooks as wb
from tests.helpers import table_counts
from tests.pricelists.test_bad_files import assert_clear_swedish, post_upload, refuse
from tests.pricelists.test_sample_imports import SUPPLIERS, assert_sample_figures

needs_soffice = pytest.mark.skipif(
    formats.SOFFICE is None, reason="LibreOffice (soffice, Debian package libreoffice-calc) is not installed"
)
PROFILES = load_profiles()


@pytest.fixture(scope="session")
def truth() -> dict:
    if not (SAMPLES / "expected.json").exists():
        pytest.skip(f"the shared samples are not here ({SAMPLES}); these tests need ../shared/samples")
    return json.loads((SAMPLES / "expected.json").read_text(encoding="utf-8"))["suppliers"]


@pytest.fixture(scope="session")
def converted(tmp_path_factory, truth) -> dict:
    """(format, supplier) → file: each sample as .xls and .ods (by LibreOffice) and as CSV; and ("lines", supplier)
    → where each (sheet, row) of the sample is in its CSV."""
    if formats.SOFFICE is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    folder = tmp_path_factory.mktemp("converted")
    sources = {supplier: SAMPLES / truth[supplier]["file"] for supplier in SUPPLIERS}
    files: dict = {}
    for target in ("xls", "ods"):
        results = formats.convert(list(sources.values()), target, folder / target, folder / "lo-profile")
        files.update({(target, supplier): results[source] for supplier, source in sources.items()})
    for supplier, source in sources.items():
        path = folder / "csv" / f"{source.stem}.csv"
        path.parent.mkdir(exist_ok=True)
        headers = {sheet["name"]: sheet["header_row"] for sheet in truth[supplier]["sheets"]}
        files[("lines", supplier)] = formats.workbook_as_csv(source, path, headers, encoding="cp1252", delimiter=";")
        files[("csv", supplier)] = path
    return files


def _import(runner, path, supplier: str) -> dict:
    result = runner.invoke(args=["pricelist", "import", str(path), "--supplier", supplier, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@needs_soffice
@pytest.mark.parametrize("supplier", SUPPLIERS)
@pytest.mark.parametrize("target", ["xls", "ods", "csv"])
def test_sample_in_another_format_gives_expected_figures(
    runner, app, samples, sample_contract, converted, truth, target, supplier
):
    path = converted[(target, supplier)]
    if target == "csv":
        assert path.read_bytes().decode("cp1252")  # the file really is Windows-1252 …
        assert b";" in path.read_bytes().splitlines()[-1]  # … with semicolons
    summary = _import(runner, path, supplier)
    lines = converted[("lines", supplier)] if target == "csv" else None
    assert_sample_figures(app, samples, truth[supplier], summary, lines=lines)


def _read(path, supplier: str) -> tuple[list, list]:
    layouts, rows = [], []
    for message in read_price_list(path, PROFILES[supplier], tuple(PROFILES.values())):
        if isinstance(message, SheetLayout):
            layouts.append((message.name, message.header_row, message.columns))
        elif not isinstance(message, ReadSummary):
            rows.extend(parsed_rows(message))
    return layouts, rows


@needs_soffice
@pytest.mark.parametrize("supplier", ["essity", "rama"])
def test_the_same_list_reads_row_for_row_the_same_in_every_format(converted, truth, supplier):
    """Same sheets, headers, row numbers and cleaned values from .xlsx, .xls and .ods; the CSV's differ only
    in the sheet's name and the row numbers, which are its lines."""
    xlsx = _read(SAMPLES / truth[supplier]["file"], supplier)
    assert _read(converted[("xls", supplier)], supplier) == xlsx
    assert _read(converted[("ods", supplier)], supplier) == xlsx

    lines = converted[("lines", supplier)]
    layouts, rows = _read(converted[("csv", supplier)], supplier)
    name, header_row, columns = xlsx[0][0]
    assert layouts == [("CSV", lines[(name, header_row)], columns)]
    assert rows == [_in_csv(row, lines) for row in xlsx[1]]


def _in_csv(row, lines: dict):
    """A workbook's row as it reads from the CSV of its sheets: sheet CSV, its line, places in messages too."""
    problem = row.problem
    if problem is not None:

        def place(found):
            return f"flik 'CSV' rad {lines[(found.group(1), int(found.group(2)))]}"

        problem = (*problem[:2], re.sub(r"flik '([^']+)' rad (\d+)", place, problem[2]))
    return row._replace(sheet="CSV", row=lines[(row.sheet, row.row)], problem=problem)


@pytest.fixture(scope="session")
def password_xls(tmp_path_factory):
    """The Rama sample saved by LibreOffice as an .xls that opens only with a password."""
    if not formats.has_uno():
        pytest.skip("saving with a password needs LibreOffice's Python bridge (Debian package python3-uno)")
    source = SAMPLES / "rama-prislista-2026.xlsx"
    if not source.exists():
        pytest.skip(f"the shared samples are not here ({SAMPLES}); these tests need ../shared/samples")
    folder = tmp_path_factory.mktemp("password")
    return formats.password_xls(source, folder / "losenord.xls", "hemligt", folder / "lo-profile")


@needs_soffice
@pytest.mark.parametrize("channel", ["cli", "api"])
def test_password_protected_xls_is_refused_and_nothing_is_written(
    app, runner, officer_client, sample_contract, password_xls, channel
):
    path = password_xls
    before = table_counts(app)

    refusal = refuse(channel, runner, officer_client, path, supplier="rama")

    assert refusal.status == (1 if channel == "cli" else 415)
    assert refusal.error["code"] == "unsupported"
    assert "lösenordsskyddad" in refusal.error["message"]
    assert_clear_swedish(refusal.error["message"])
    assert table_counts(app) == before


@needs_soffice
def test_xls_with_a_vba_project_is_refused_and_nothing_is_written(app, runner, sample_contract, converted, tmp_path):
    path = formats.macro_xls(converted[("xls", "rama")], tmp_path / "makro.xls")
    before = table_counts(app)

    refusal = refuse("cli", runner, None, path, supplier="rama")

    assert refusal.error["code"] == "unsupported"
    assert "makron" in refusal.error["message"]
    assert table_counts(app) == before


@needs_soffice
@pytest.mark.parametrize("target", ["xls", "ods", "csv"])
def test_upload_api_takes_the_other_formats(app, officer_client, sample_contract, converted, truth, target):
    """Uploaded under the name the supplier gave it (stored under a name of our own, read by content)."""
    response = post_upload(officer_client, converted[(target, "rama")], "rama")
    assert response.status_code == 201, response.get_json()
    summary = response.get_json()
    assert (summary["data_rows"], summary["allowed"]) == (truth["rama"]["data_rows"], truth["rama"]["allowed"])


def test_upload_page_offers_the_other_formats(app):
    from tests.conftest import page_client

    client = page_client(app, "upphandlare")
    page = client.get("/pricelists/upload").get_data(as_text=True)
    accept = re.search(r'<input type="file" name="file" accept="([^"]+)"', page).group(1).split(",")
    assert {".xlsx", ".xls", ".xlsb", ".ods", ".csv"} <= set(accept)


# --- item 3: invisible characters in a CSV -------------------------------------------------------

MODELS = [wb.ContractModel("Medi", 1, "SOL1-AD")]
COLOURS = [("Medi", "Svart", "Black"), ("Medi", "Sand", "Sand")]
ROWS = [
    ["MD1", "", "Sol", "SOL1-AD", 1, "Knästrumpa", "I", "Kort", "\u200bSvart", "371,50"],
    ["MD2", "", "Sol", "SOL1-AD", 1, "Knästrumpa", "I", "Kort", "Svart\ufeff", "371,50"],
    ["MD3", "", "Sol", "SOL1-AD", 1, "Knästrumpa", "I", "Kort", "Sv\u200bart", "371,50"],
    ["MD4", "", "Sol", "SOL1-AD", 1, "Knästrumpa", "I", "Kort", "S\u200dand\u200c", "371,50"],
    ["MD5", "", "Sol", "SOL1-AD", 1, "Knästrumpa", "I", "Kort", "\u2060Grå", "371,50"],
]


def test_colours_with_zero_width_characters_in_a_utf8_csv_map_to_base_colours(app, tmp_path):
    contract = wb.contract(tmp_path, MODELS, COLOURS)
    path = formats.small_csv(tmp_path, rows=ROWS, bom=True, delimiter=",")
    with app.app_context():
        from catalog_service.contracts.service import load_contract

        load_contract(db.session, contract, actor="upphandlare1")
        db.session.commit()
        result = import_price_list(db.session, path, "medi", actor="upphandlare1")
        db.session.commit()
        stored = db.session.execute(
            select(PriceListRow.row_number, PriceListRow.colour, PriceListRow.base_colour)
            .where(PriceListRow.import_id == result.import_id)
            .order_by(PriceListRow.row_number)
        ).all()

    assert (result.data_rows, result.allowed) == (5, 4)
    assert [u["colour"] for u in result.unknown_colours] == ["Grå"]
    assert [tuple(r) for r in stored] == [
        (2, "Svart", "Svart"),
        (3, "Svart", "Svart"),
        (4, "Svart", "Svart"),
        (5, "Sand", "Sand"),
        (6, "Grå", None),
    ]
