"""Acceptance: each supplier sample gives exactly the figures of ../shared/samples/expected.json."""

from __future__ import annotations

import csv
import hashlib
import json

import pytest
from sqlalchemy import select

from catalog_service.contracts.models import ProcuredModel
from catalog_service.extensions import db
from catalog_service.pricelists.models import PriceListRow
from catalog_service.pricelists.verdicts import Verdict

SUPPLIERS = ("essity", "juzo", "medi", "rama")


@pytest.fixture
def expected(samples):
    return json.loads((samples / "expected.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("supplier", SUPPLIERS)
def test_sample_price_list_gives_expected_figures(runner, app, samples, sample_contract, expected, supplier):
    truth = expected["suppliers"][supplier]
    result = runner.invoke(
        args=[
            "pricelist",
            "import",
            str(samples / truth["file"]),
            "--supplier",
            supplier,
            "--json",
            "--actor",
            "upphandlare1",
        ]
    )
    assert result.exit_code == 0, result.output
    assert_sample_figures(app, samples, truth, json.loads(result.stdout))


def assert_sample_figures(app, samples, truth: dict, summary: dict, *, lines: dict | None = None) -> None:
    """The import summary gives exactly the sample's expected figures and allowed set.

    ``lines``: for a file that is not the sample workbook itself (a CSV of its sheets), where each
    (sheet, row) of the truth is in that file: the summary then has one sheet, and rows are its lines.
    """
    assert summary["status"] == "draft"
    assert summary["data_rows"] == truth["data_rows"]
    assert summary["allowed"] == truth["allowed"]
    assert summary["excluded"] == truth["excluded"]
    assert summary["allowed"] + sum(summary["excluded"].values()) == summary["data_rows"]
    assert summary["invalid_by_kind"] == truth["invalid_by_kind"]
    if lines is None:
        expected_errors = sorted((r["sheet"], r["row"], r["reason"]) for r in truth["invalid_rows"])
        expected_sheets = [(s["name"], s["header_row"]) for s in truth["sheets"]]
    else:
        sheet = summary["sheets"][0]["sheet"]
        expected_errors = sorted((sheet, lines[(r["sheet"], r["row"])], r["reason"]) for r in truth["invalid_rows"])
        first = truth["sheets"][0]
        expected_sheets = [(sheet, lines[(first["name"], first["header_row"])])]
    assert sorted((e["sheet"], e["row"], e["kind"]) for e in summary["errors"]) == expected_errors
    assert all(e["column"] and e["message"] for e in summary["errors"])
    expected_unknown = {r["colour"] for r in truth["unknown_colour_rows"]}
    assert expected_unknown <= set(summary["unknown_colours"])
    assert [(s["sheet"], s["header_row"]) for s in summary["sheets"]] == expected_sheets

    with app.app_context():
        allowed = _allowed_rows(summary["import_id"], truth["contract_supplier"].lower())
    numbers = sorted(a["article_number"] for a in allowed)
    assert hashlib.sha256("\n".join(numbers).encode()).hexdigest() == truth["allowed_sha256"]
    assert allowed == _expected_csv(samples / truth["allowed_csv"])


def _allowed_rows(import_id: int, supplier: str) -> list[dict]:
    rows = db.session.execute(
        select(
            PriceListRow.article_number,
            PriceListRow.model,
            PriceListRow.base_colour,
            ProcuredModel.position,
            ProcuredModel.price_ore,
        )
        .join(ProcuredModel, ProcuredModel.model_number == PriceListRow.model)
        .where(
            PriceListRow.import_id == import_id,
            PriceListRow.verdict == Verdict.allowed,
            ProcuredModel.supplier == supplier,
        )
    ).all()
    return sorted(
        (
            {
                "article_number": r.article_number,
                "model": r.model,
                "base_colour": r.base_colour,
                "position": r.position,
                "contract_price_sek": f"{r.price_ore / 100:.2f}",
            }
            for r in rows
        ),
        key=lambda row: row["article_number"],
    )


def _expected_csv(path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_reimporting_identical_file_creates_nothing(runner, app, samples, sample_contract):
    path = str(samples / "rama-prislista-2026.xlsx")
    first = json.loads(runner.invoke(args=["pricelist", "import", path, "--supplier", "rama", "--json"]).stdout)
    again = runner.invoke(args=["pricelist", "import", path, "--supplier", "rama", "--json"])
    assert again.exit_code == 0
    second = json.loads(again.stdout)
    assert second["status"] == "unchanged"
    assert second["import_id"] == first["import_id"]
    with app.app_context():
        assert db.session.scalar(select(db.func.count(PriceListRow.id))) == first["data_rows"]


def test_dry_run_reports_figures_and_stores_nothing(runner, app, samples, sample_contract):
    result = runner.invoke(
        args=[
            "pricelist",
            "import",
            str(samples / "rama-prislista-2026.xlsx"),
            "--supplier",
            "rama",
            "--dry-run",
            "--json",
        ]
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["status"] == "dry_run"
    assert summary["allowed"] == 534
    with app.app_context():
        assert db.session.scalar(select(db.func.count(PriceListRow.id))) == 0
