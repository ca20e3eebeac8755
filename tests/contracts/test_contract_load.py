"""Loading the contract: `catalog contract load PATH --json` and contracts.service.load_contract."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import func, select

from catalog_service.audit.models import AuditEntry
from catalog_service.contracts.models import BaseColour, Contract, ProcuredModel
from catalog_service.contracts.service import active_contract, load_contract, supplier_terms
from catalog_service.extensions import db
from importers.errors import ImportFileError
from tests.factories import workbooks
from tests.factories.workbooks import SORTIMENT_HEADERS, ContractModel, contract, price_list
from tests.helpers import table_counts

COLOURS = [("Juzo", "Beige", "Beige, 01"), ("Juzo", "Svart", "Schwarz, 90"), ("Rama", "Beige", "Hudfärg, HF")]
MODELS = [ContractModel("Juzo", 1, "JZ-100"), ContractModel("Juzo", 2, "JZ-200"), ContractModel("Rama", 1, "RA-10")]
TABLES = (Contract, ProcuredModel, BaseColour, AuditEntry)
MEDI_COLOURS = [("Medi", "Sand", "Sand"), ("Medi", "Svart", "Svart, Black")]


def load(runner, path):
    result = runner.invoke(args=["contract", "load", str(path), "--json", "--actor", "upphandlare1"])
    return result, json.loads(result.stdout) if result.stdout.strip() else None


def refusal(runner, path) -> dict:
    """Load a contract that must be refused; the first error (sheet, row, column, message)."""
    result, payload = load(runner, path)
    assert result.exit_code == 1, result.output
    assert payload["error"]["code"] == "unreadable"
    assert "Avtalet kan inte läsas" in result.stderr
    errors = payload["error"]["details"]["errors"]
    assert errors
    return errors[0]


def counts(app) -> dict:
    with app.app_context():
        return {table.__tablename__: db.session.scalar(select(func.count()).select_from(table)) for table in TABLES}


# --- the sample contract -----------------------------------------------------------------------


def test_sample_contract_loads_with_models_and_base_colours_per_supplier(runner, samples):
    result, payload = load(runner, samples / "avtal-kompression-2026.xlsx")

    assert result.exit_code == 0, result.output
    assert payload["procured_models"] == {"essity": 12, "juzo": 16, "medi": 18, "rama": 10}
    assert {s: sorted(names) for s, names in payload["base_colours"].items()} == {
        "essity": ["Beige", "Svart"],
        "juzo": ["Beige", "Sand", "Svart"],
        "medi": ["Karamell", "Sand", "Svart"],
        "rama": ["Beige", "Svart"],
    }
    assert (payload["start"], payload["end"]) == ("2026-05-01", "2028-04-30")
    assert len(payload["sha256"]) == 64


def test_sample_contract_gives_terms_per_supplier_code(app, sample_contract):
    with app.app_context():
        terms = supplier_terms(active_contract(db.session), "juzo")

    assert terms.contract_start == date(2026, 5, 1)
    assert len(terms.models) == 16
    assert all(key == key.strip().casefold() for key in terms.models)
    assert set(terms.colours.values()) == {"Beige", "Sand", "Svart"}
    assert terms.colours["beige"] == "Beige"  # the canonical name counts as one of its names


# --- terms derived from a loaded contract ------------------------------------------------------


def test_terms_hold_names_codes_and_model_keys(app, tmp_path):
    path = contract(tmp_path, [ContractModel("Juzo", 1, " jz-100 "), *MODELS[1:]], COLOURS)
    with app.app_context():
        loaded = load_contract(db.session, path, actor="upphandlare1")
        juzo, rama = supplier_terms(loaded, "juzo"), supplier_terms(loaded, "rama")

    assert set(juzo.models) == {"jz-100", "jz-200"}
    assert juzo.models["jz-100"].model_number == "jz-100"
    assert juzo.colours == {"beige": "Beige", "1": "Beige", "svart": "Svart", "schwarz": "Svart", "90": "Svart"}
    assert rama.colours == {"beige": "Beige", "hudfärg": "Beige", "hf": "Beige"}
    assert set(rama.models) == {"ra-10"}


# --- refusals ----------------------------------------------------------------------------------


def test_model_listed_twice_is_refused_with_sheet_row_and_column(runner, tmp_path):
    models = [*MODELS, ContractModel("Juzo", 3, " jz-200")]
    error = refusal(runner, contract(tmp_path, models, COLOURS))

    assert (error["sheet"], error["row"], error["column"]) == ("Sortiment", 5, "Modellnummer")
    assert "rad 3" in error["message"]


def test_model_listed_twice_under_differently_written_supplier_is_refused(runner, tmp_path):
    models = [ContractModel("Rama AB", 1, "RA-10"), ContractModel("rama  ab", 2, "RA-10")]
    error = refusal(runner, contract(tmp_path, models, COLOURS))

    assert (error["sheet"], error["row"], error["column"]) == ("Sortiment", 3, "Modellnummer")


def test_same_model_number_for_two_suppliers_is_fine(runner, tmp_path):
    models = [ContractModel("Juzo", 1, "X-1"), ContractModel("Rama", 1, "X-1")]
    result, payload = load(runner, contract(tmp_path, models, COLOURS))

    assert result.exit_code == 0, result.output
    assert payload["procured_models"] == {"juzo": 1, "rama": 1}


@pytest.mark.parametrize("price", ["ca 450", "", "enligt offert"])
def test_price_that_is_not_a_number_is_refused(runner, tmp_path, price):
    models = [MODELS[0], ContractModel("Juzo", 2, "JZ-200", price=price)]
    error = refusal(runner, contract(tmp_path, models, COLOURS))

    assert (error["sheet"], error["row"], error["column"]) == ("Sortiment", 3, "Avtalspris SEK")


def test_text_price_with_decimal_comma_is_accepted(app, tmp_path):
    path = contract(tmp_path, [ContractModel("Juzo", 1, "JZ-100", price="1 234,50")], COLOURS)
    with app.app_context():
        loaded = load_contract(db.session, path, actor="upphandlare1")
        assert [m.price_ore for m in loaded.models] == [123450]


@pytest.mark.parametrize(
    ("colours", "row", "column"),
    [
        # a supplier name under two base colours
        ([("Juzo", "Beige", "Natur, Haut"), ("Juzo", "Sand", "Sable, natur ")], 3, "Leverantörens benämningar"),
        # a code under two base colours: '1' and '01' are the same code
        ([("Juzo", "Beige", "Beige, 01"), ("Juzo", "Svart", "Schwarz, 1")], 3, "Leverantörens benämningar"),
        # one base colour's name is another's canonical name
        ([("Juzo", "Beige", "Sand, 01"), ("Juzo", "Sand", "Sable")], 3, "Basfärg"),
        # the same base colour on two rows
        ([("Juzo", "Beige", "Natur"), ("Juzo", "beige", "01")], 3, "Basfärg"),
    ],
)
def test_colour_name_or_code_under_two_base_colours_is_refused(runner, tmp_path, colours, row, column):
    error = refusal(runner, contract(tmp_path, MODELS, colours))

    assert (error["sheet"], error["row"], error["column"]) == ("Basfärger", row, column)


def test_same_name_for_two_suppliers_is_fine(runner, tmp_path):
    colours = [("Juzo", "Beige", "Natur, 01"), ("Rama", "Beige", "Natur, 01")]
    result, _ = load(runner, contract(tmp_path, MODELS, colours))

    assert result.exit_code == 0, result.output


def test_missing_sheet_is_refused_naming_the_sheet(runner, tmp_path):
    rows = [model.as_row() for model in MODELS]
    path = price_list(tmp_path, SORTIMENT_HEADERS, rows, sheet="Sortiment", name="avtal.xlsx")

    result, payload = load(runner, path)

    assert result.exit_code == 1
    (error,) = payload["error"]["details"]["errors"]
    assert error["sheet"] == "Basfärger"
    assert "Basfärger" in result.stderr


def test_contract_without_models_is_refused(runner, tmp_path):
    error = refusal(runner, contract(tmp_path, [], COLOURS))

    assert error["sheet"] == "Sortiment"


def test_every_problem_is_listed(runner, tmp_path):
    models = [*MODELS, ContractModel("Juzo", 3, "JZ-100"), ContractModel("Rama", 2, "RA-20", price="?")]
    colours = [*COLOURS, ("Rama", "Svart", "HF")]
    result, payload = load(runner, contract(tmp_path, models, colours))

    assert result.exit_code == 1
    places = [(e["sheet"], e["row"], e["column"]) for e in payload["error"]["details"]["errors"]]
    assert places == [
        ("Sortiment", 5, "Modellnummer"),
        ("Sortiment", 6, "Avtalspris SEK"),
        ("Basfärger", 5, "Leverantörens benämningar"),
    ]


# --- nothing written when refused; replacing ---------------------------------------------------


def test_refused_contract_writes_nothing_and_keeps_the_active_one(app, runner, tmp_path):
    first, _ = load(runner, contract(tmp_path, MODELS, COLOURS, name="forsta.xlsx"))
    assert first.exit_code == 0, first.output
    before = counts(app)

    refused = contract(tmp_path, [*MODELS, MODELS[0]], COLOURS, name="trasig.xlsx")
    result, _ = load(runner, refused)

    assert result.exit_code == 1
    assert counts(app) == before
    with app.app_context():
        active = active_contract(db.session)
        assert active.filename == "forsta.xlsx"
        assert len(active.models) == len(MODELS)


def test_refused_first_contract_writes_nothing(app, runner, tmp_path):
    result, _ = load(runner, contract(tmp_path, MODELS, [*COLOURS, ("Juzo", "Sand", "Beige")]))

    assert result.exit_code == 1
    assert counts(app) == dict.fromkeys((t.__tablename__ for t in TABLES), 0)


def test_loading_a_second_contract_replaces_the_first(app, runner, tmp_path):
    first, one = load(runner, contract(tmp_path, MODELS, COLOURS, name="forsta.xlsx"))
    newer = [ContractModel("Juzo", 1, "JZ-900", price=500.0)]
    second, two = load(runner, contract(tmp_path, newer, COLOURS, name="andra.xlsx"))

    assert (first.exit_code, second.exit_code) == (0, 0)
    assert one["contract_id"] != two["contract_id"]
    with app.app_context():
        active = db.session.scalars(select(Contract).where(Contract.active.is_(True))).all()
        assert [c.id for c in active] == [two["contract_id"]]
        assert active_contract(db.session).filename == "andra.xlsx"
        assert set(supplier_terms(active[0], "juzo").models) == {"jz-900"}
        assert supplier_terms(active[0], "rama").models == {}
        assert db.session.scalar(select(func.count()).select_from(Contract)) == 2
        actions = db.session.scalars(select(AuditEntry.action)).all()
        assert actions == ["contract.load", "contract.load"]


# --- contract start ----------------------------------------------------------------------------

LATE_MODELS = [
    ContractModel("Juzo", 1, "JZ-100", valid_from=date(2026, 6, 1), valid_to=date(2027, 5, 31)),
    ContractModel("Juzo", 2, "JZ-200", valid_from=date(2026, 5, 15), valid_to=date(2028, 4, 30)),
    ContractModel("Rama", 1, "RA-10", valid_from=date(2026, 9, 1), valid_to=date(2027, 1, 31)),
]


def test_contract_start_is_the_earliest_giltig_fran(runner, tmp_path):
    result, payload = load(runner, contract(tmp_path, LATE_MODELS, COLOURS))

    assert result.exit_code == 0, result.output
    assert (payload["start"], payload["end"]) == ("2026-05-15", "2028-04-30")


def test_configured_contract_start_wins(app, runner, tmp_path):
    app.config["CONTRACT_START"] = "2026-05-01"

    result, payload = load(runner, contract(tmp_path, LATE_MODELS, COLOURS))

    assert result.exit_code == 0, result.output
    assert payload["start"] == "2026-05-01"
    with app.app_context():
        assert active_contract(db.session).start_date == date(2026, 5, 1)
        assert supplier_terms(active_contract(db.session), "juzo").contract_start == date(2026, 5, 1)


def test_load_contract_takes_an_explicit_start(app, tmp_path):
    path = contract(tmp_path, LATE_MODELS, COLOURS)
    with app.app_context():
        loaded = load_contract(db.session, path, actor="upphandlare1", contract_start=date(2026, 4, 1))
        assert loaded.start_date == date(2026, 4, 1)


def test_load_contract_raises_and_leaves_the_session_clean(app, tmp_path):
    path = contract(tmp_path, [*MODELS, MODELS[1]], COLOURS)
    with app.app_context():
        with pytest.raises(ImportFileError) as caught:
            load_contract(db.session, path, actor="upphandlare1")
        assert caught.value.details["errors"][0]["row"] == 5
        assert not db.session.new and not db.session.dirty


# --- the supplier column names a profile ------------------------------------------------------------


def test_contract_supplier_written_with_a_legal_suffix_means_the_profile(runner, tmp_path):
    model = workbooks.ContractModel("Medi Sverige AB", 1, "SOL1-AD")
    contract = workbooks.contract(tmp_path, [model], [("Medi Sverige AB", "Sand", "Sand")])
    assert runner.invoke(args=["contract", "load", str(contract)]).exit_code == 0
    result = runner.invoke(
        args=["pricelist", "import", str(workbooks.small_price_list(tmp_path)), "--supplier", "medi", "--json"]
    )
    assert json.loads(result.stdout)["allowed"] == 1


def test_contract_with_a_supplier_without_profile_is_refused_naming_the_cell(app, runner, tmp_path):
    before = table_counts(app)
    contract = workbooks.contract(tmp_path, [workbooks.ContractModel("Okänd Leverantör AB", 1, "X1")], MEDI_COLOURS)
    result = runner.invoke(args=["contract", "load", str(contract), "--json"])
    assert result.exit_code == 1
    error = json.loads(result.stdout)["error"]
    assert error["details"]["errors"][0] == {
        "sheet": "Sortiment",
        "row": 2,
        "column": "Leverantör",
        "message": error["details"]["errors"][0]["message"],
    }
    assert table_counts(app) == before
