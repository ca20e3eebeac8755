"""The import's speed paths decide nothing: the early reader, the text memo, the not-procured shortcut."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from catalog_service.pricelists import reading, service
from catalog_service.pricelists.verdicts import Verdict, judge, unprocured_models
from importers import isolation, pricelist
from importers.pricelist import MODEL, PROBLEM, read_price_list
from importers.profiles import load_profiles
from tests.factories import workbooks

ARGS = ["pricelist", "import"]


@pytest.fixture
def readers(monkeypatch):
    """Every reader child started, in order."""
    started = []
    original = isolation.ChildReader.__init__

    def record(self, *args, **kwargs):
        original(self, *args, **kwargs)
        started.append(self)

    monkeypatch.setattr(isolation.ChildReader, "__init__", record)
    return started


def _summary(runner, path, supplier="medi"):
    result = runner.invoke(args=[*ARGS, str(path), "--supplier", supplier, "--json", "--actor", "upphandlare1"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_the_command_starts_one_reader_before_the_import_and_the_import_uses_it(
    runner, sample_contract, tmp_path, readers, monkeypatch
):
    handed = []
    original = service.import_price_list

    def spy(*args, started=None, **kwargs):
        handed.append(started)
        return original(*args, started=started, **kwargs)

    monkeypatch.setattr(service, "import_price_list", spy)
    summary = _summary(runner, workbooks.small_price_list(tmp_path))
    assert summary["data_rows"] == 6
    assert len(readers) == 1 and handed == [readers[0]]  # started early, and no second reader


def test_an_early_reader_that_reads_otherwise_is_not_used(app, sample_contract, tmp_path, readers):
    from catalog_service.config import ReaderLimits
    from catalog_service.extensions import db

    path = workbooks.small_price_list(tmp_path)
    early = reading.start_reader(path, "medi", ReaderLimits(max_rows=50_000), 1_000_000)  # not the app's limit
    try:
        with app.app_context():
            result = service.import_price_list(db.session, path, "medi", actor="upphandlare1", started=early)
            db.session.rollback()
    finally:
        early.close()
    assert len(readers) == 2 and result.data_rows == 6


def test_a_catalogue_is_read_early_from_a_copy_without_parties_which_is_stored_and_then_removed(
    app, runner, samples, sample_contract, tmp_path, readers, monkeypatch
):
    import tempfile
    from pathlib import Path

    from sqlalchemy import select

    from catalog_service.extensions import db
    from catalog_service.files import SourceFile
    from tests.peppol_catalogues import CONTACT_NAME, data_rows, write_catalogue

    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))  # where the copy without parties is made
    rows = data_rows(samples / "rama-prislista-2026.xlsx", load_profiles()["rama"])
    path = write_catalogue(rows, tmp_path / "med-kontakt.xml", contact=True)

    summary = _summary(runner, path, supplier="rama")

    assert summary["allowed"] == 534
    assert len(readers) == 1 and readers[0].origin == path  # started before the app, and used
    copy = readers[0].owned_file
    assert copy.parent == scratch and not copy.exists() and list(scratch.iterdir()) == []
    with app.app_context():
        stored = db.session.scalars(select(SourceFile)).one().original_bytes()
    assert CONTACT_NAME.encode() not in stored and stored == _without_parties(path, tmp_path)
    assert Path(path).read_bytes() != stored


def _without_parties(path, tmp_path):
    from importers.peppol import copy_without_parties

    target = tmp_path / "expected-copy.xml"
    copy_without_parties(path, target)
    return target.read_bytes()


def test_an_early_catalogue_reader_is_not_used_for_another_file_and_its_copy_is_removed(
    app, samples, sample_contract, tmp_path, readers
):
    from catalog_service.config import ReaderLimits
    from catalog_service.extensions import db
    from tests.peppol_catalogues import data_rows, write_catalogue

    rows = data_rows(samples / "rama-prislista-2026.xlsx", load_profiles()["rama"])
    first = write_catalogue(rows, tmp_path / "forsta.xml")
    second = write_catalogue(rows[:-1], tmp_path / "andra.xml")
    early = reading.start_reader(first, "rama", ReaderLimits(), 1_000_000)
    try:
        with app.app_context():
            result = service.import_price_list(db.session, second, "rama", actor="upphandlare1", started=early)
            db.session.rollback()
    finally:
        early.close()
    assert len(readers) == 2 and result.data_rows == len(rows) - 1
    assert not early.owned_file.exists()


def test_no_early_reader_for_an_unknown_supplier_or_a_refused_file(tmp_path, readers):
    from catalog_service.config import ReaderLimits

    not_a_workbook = tmp_path / "lista.xlsx"  # neither a workbook nor text (a CSV would be read)
    not_a_workbook.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    assert reading.start_reader(workbooks.small_price_list(tmp_path), "okänd", ReaderLimits(), 1_000_000) is None
    assert reading.start_reader(not_a_workbook, "medi", ReaderLimits(), 1_000_000) is None
    assert readers == []


def _read(path, profile):
    rows = []
    for message in read_price_list(path, profile, tuple(load_profiles().values())):
        if isinstance(message, pricelist.RowBatch):
            rows.extend(message.rows())
    return rows


def test_cleaned_texts_are_the_same_with_the_memo_emptied_at_every_row(tmp_path, monkeypatch):
    """Str, float and bool cells of equal value (1, 1.0, True) keep their own texts; a full memo changes nothing."""
    profile = load_profiles()["medi"]
    sizes = ["1", 1.0, True, " 1 ", "Sand\u200b", 1.0, "1", True]
    rows = [
        [f"MD{n:07d}", "", f"Namn {n % 2}", "SOL1-AD", 1, "Knästrumpa", size, "Kort", "Sand", 371.5]
        for n, size in enumerate(sizes)
    ]
    path = workbooks.price_list(tmp_path, workbooks.SMALL_LAYOUT, rows)
    remembered = _read(path, profile)
    monkeypatch.setattr(pricelist, "TEXT_MEMO_SIZE", 1)
    assert _read(path, profile) == remembered
    size = pricelist.POSITION["size"]
    assert [row[size] for row in remembered] == ["1", "1", "True", "1", "Sand", "1", "1", "True"]


def test_a_repeated_article_names_its_first_sheet_and_row(tmp_path):
    profile = load_profiles()["medi"]
    first = [["MD0000001", "", "Sol", "SOL1-AD", 1, "Knästrumpa", "I", "Kort", "Sand", 371.5]]
    extra = [("Tidigare", [workbooks.SMALL_LAYOUT, *first])]
    path = workbooks.price_list(tmp_path, workbooks.SMALL_LAYOUT, first * 2, sheet="Ny", extra_sheets=extra)
    rows = _read(path, profile)
    problems = [row[PROBLEM] for row in rows]
    assert problems[0] is None
    assert problems[1][0] == problems[2][0] == "duplicate_article_number"
    assert problems[1][2].endswith("förekommer redan på flik 'Tidigare' rad 2")
    assert problems[2][2].endswith("förekommer redan på flik 'Tidigare' rad 2")


def test_the_not_procured_shortcut_counts_what_judge_counts(app, sample_contract, samples):
    from catalog_service.contracts.service import active_contract, supplier_terms
    from catalog_service.extensions import db

    profile = load_profiles()["medi"]
    rows = _read(samples / "medi-prislista-2026.xlsx", profile)
    with app.app_context():
        terms = supplier_terms(active_contract(db.session), "medi")
    unprocured = unprocured_models({row[MODEL] for row in rows}, terms)
    shortcut = Counter(row[PROBLEM] is None and row[MODEL] in unprocured for row in rows)
    judged = Counter(judge(row, terms).verdict for row in rows)
    assert shortcut[True] == judged[Verdict.not_procured] > 0
