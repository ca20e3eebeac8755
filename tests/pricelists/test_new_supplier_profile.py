"""A fifth supplier in a new layout needs a profile file and its contract lines, nothing else."""

from __future__ import annotations

import json

from tests.factories import workbooks

PROFILE = """
code = "sigvaris"
name = "Sigvaris"

[headers]
article_number = ["Varunr"]
model = ["Modellkod"]
compression_class = ["Kompr."]
colour = ["Nyans"]
price = ["Nettopris kr"]
size = ["Mått"]
"""

LAYOUT = ["Mått", "Nyans", "Nettopris kr", "Varunr", "Modellkod", "Kompr.", "Anmärkning"]
ROWS = [
    ["S", "Nougat", "512,00", "SG-001", "SIG2-AD", "Klass II", ""],
    ["M", "Nougat", "512,00", "SG-002", "SIG2-AD", "Klass II", "ny"],
    ["M", "Svart", 512, "SG-003", "SIG2-AD", "Klass II", ""],
    ["L", "Marin", 512, "SG-004", "SIG2-AD", "Klass II", ""],
    ["S", "Nougat", 300, "SG-005", "SIG9-XX", "Klass II", ""],
    ["S", "Nougat", "på begäran", "SG-006", "SIG2-AD", "Klass II", ""],
]


def test_fifth_supplier_imports_with_only_a_profile_file(tmp_path, monkeypatch, runner):
    profiles = tmp_path / "profiles"
    profiles.mkdir()
    (profiles / "sigvaris.toml").write_text(PROFILE, encoding="utf-8")
    monkeypatch.setenv("CATALOG_PROFILE_DIRS", str(profiles))
    contract = workbooks.contract(
        tmp_path,
        [workbooks.ContractModel("Sigvaris", 2, "SIG2-AD", price=498.0)],
        [("Sigvaris", "Beige", "Nougat, NG"), ("Sigvaris", "Svart", "Svart, Black")],
    )
    assert runner.invoke(args=["contract", "load", str(contract)]).exit_code == 0
    price_list = workbooks.price_list(tmp_path, LAYOUT, ROWS, title_rows=["Sigvaris prislista 2026"], sheet="Lista")

    result = runner.invoke(args=["pricelist", "import", str(price_list), "--supplier", "sigvaris", "--json"])

    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["data_rows"] == 6
    assert summary["allowed"] == 3
    assert summary["excluded"] == {"invalid_row": 1, "not_procured": 1, "outside_validity": 0, "non_base_colour": 1}
    assert summary["sheets"][0]["header_row"] == 2
    assert summary["sheets"][0]["columns"]["price"] == "Nettopris kr"


def test_unknown_supplier_is_refused_naming_the_known_ones(tmp_path, runner):
    path = workbooks.small_price_list(tmp_path)
    result = runner.invoke(args=["pricelist", "import", str(path), "--supplier", "okand"])
    assert result.exit_code == 1
    assert "essity" in result.stderr and "rama" in result.stderr
