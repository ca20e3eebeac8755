"""Every written form of an identity or coordination number is found, as that kind, at every entrance.

Found by a red-team pass (issue 17, item 2): ``19090527+1474`` as a consultation description was
stored (201) and echoed, and ``090527 1474`` was reported as a phone number. The forms: 10 or 12
digits, with ``-``, ``+``, one space or nothing between date and serial. Each is refused at four
entrances (a consultation description, a rollback reason, an order-export cell, a price-list text
cell), and is never stored, echoed in the answer or written to a log.
"""

from __future__ import annotations

import io
import json
import logging
from datetime import date

import openpyxl
import pytest

from catalog_service.privacy.guard import find_personal_data
from tests.conftest import bearer_client, make_token, post_upload
from tests.factories import workbooks
from tests.helpers import database_text
from tests.privacy.test_entrances import MEDI_COLOURS, MEDI_MODELS, price_list_with, table_counts
from tests.requests.conftest import submit

TODAY = date(2026, 12, 4)
# (written form, kind): the personnummer 1909-05-27 with serial 147 and check digit 4, and the
# coordination number for 1970-10-03 (day + 60).
FORMS = [
    ("0905271474", "personnummer"),
    ("090527-1474", "personnummer"),
    ("090527+1474", "personnummer"),
    ("090527 1474", "personnummer"),
    ("190905271474", "personnummer"),
    ("19090527-1474", "personnummer"),
    ("19090527+1474", "personnummer"),
    ("19090527 1474", "personnummer"),
    ("701063 2391", "samordningsnummer"),
    ("19701063+2391", "samordningsnummer"),
]
IDS = [form for form, _ in FORMS]


def secrets_of(form: str) -> tuple[str, ...]:
    """The written form, and its digits run together (a message must not hold them either)."""
    return form, "".join(c for c in form if c.isdigit())


def assert_never_kept(app, form: str, *texts: str) -> None:
    stored, _blobs = database_text(app)
    for secret in secrets_of(form):
        for text in (*texts, stored):
            assert secret not in text


@pytest.mark.parametrize(("form", "kind"), FORMS, ids=IDS)
def test_each_form_is_found_as_its_kind(form, kind):
    for text in (form, f"Patient {form} behöver", f"pnr:{form}."):
        assert [f.kind for f in find_personal_data(text, today=TODAY)] == [kind], text


def test_a_space_between_unrelated_numbers_is_not_an_identity_number():
    # Right length, but the check digit is wrong or the date is not a date.
    for text in ("090527 1475", "901332 1474", "Storlek 123456 7890", "19090527 14745"):
        assert not [f for f in find_personal_data(text, today=TODAY) if f.kind.endswith("nummer")], text


@pytest.fixture
def medi_contract(app, runner, tmp_path):
    path = workbooks.contract(tmp_path, MEDI_MODELS, MEDI_COLOURS)
    assert runner.invoke(args=["contract", "load", str(path)]).exit_code == 0


@pytest.fixture
def prescriber(app):
    return bearer_client(app, make_token(app, roles=("forskrivare",), name="lisa"))


@pytest.mark.parametrize(("form", "kind"), FORMS, ids=IDS)
def test_a_consultation_description_with_the_form_is_refused(app, prescriber, form, kind, caplog):
    caplog.set_level(logging.DEBUG)
    response = submit(prescriber, description=f"Patienten {form} behöver längre lårdel")
    assert response.status_code == 422, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == "personal_data" and error["details"]["kinds"] == [kind]
    assert_never_kept(app, form, response.get_data(as_text=True), caplog.text)


@pytest.mark.parametrize(("form", "kind"), FORMS, ids=IDS)
def test_a_rollback_reason_with_the_form_is_refused(app, reviewer_client, form, kind, caplog):
    caplog.set_level(logging.DEBUG)
    body = {"to_version": 1, "reason": f"Enligt samtal med {form}"}
    response = reviewer_client.post("/api/v1/suppliers/medi/rollback", json=body)
    assert response.status_code == 422, response.get_json()
    error = response.get_json()["error"]
    assert (error["code"], error["details"]["field"]) == ("personal_data", "reason")
    assert_never_kept(app, form, response.get_data(as_text=True), caplog.text)


@pytest.fixture(scope="module")
def small_order_export(tmp_path_factory, blanked_export):
    """The first lines of the blanked sample export: enough to import, quick to read."""
    book = openpyxl.load_workbook(blanked_export)
    sheet = book["Orderrader"]
    sheet.delete_rows(12, sheet.max_row)
    path = tmp_path_factory.mktemp("orders") / "orderrader-kort.xlsx"
    book.save(path)
    return path


def order_export_with(directory, source, comment: str):
    book = openpyxl.load_workbook(source)
    sheet = book["Orderrader"]
    column = [c.value for c in sheet[1]].index("Kommentar") + 1
    sheet.cell(5, column).value = comment
    path = directory / "orderrader.xlsx"
    book.save(path)
    return path


@pytest.mark.parametrize(("form", "kind"), FORMS, ids=IDS)
def test_an_order_export_cell_with_the_form_is_refused(
    app, sample_contract, small_order_export, tmp_path, form, kind, caplog
):
    from werkzeug.datastructures import FileStorage
    from werkzeug.test import encode_multipart

    caplog.set_level(logging.DEBUG)
    path = order_export_with(tmp_path, small_order_export, f"Ring anhörig, pnr {form}")
    client = bearer_client(app, make_token(app, roles=("hmc",), name="hmc1"))
    boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(path.read_bytes()), filename=path.name)})
    before = table_counts(app)
    response = client.post(
        "/api/v1/orders/imports", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert f'"kind": "{kind}"' in text or f'"kind":"{kind}"' in text
    assert table_counts(app) == before
    assert_never_kept(app, form, text, caplog.text)


@pytest.mark.parametrize(("form", "kind"), FORMS, ids=IDS)
def test_a_price_list_text_cell_with_the_form_is_refused(
    app, runner, officer_client, medi_contract, tmp_path, form, kind, caplog
):
    caplog.set_level(logging.DEBUG)
    before = table_counts(app)
    path = price_list_with(tmp_path, f"Beställd till {form}")
    result = runner.invoke(args=["pricelist", "import", str(path), "--supplier", "medi", "--json"])
    assert result.exit_code == 1
    error = json.loads(result.stdout)["error"]
    assert error["code"] == "personal_data"
    assert error["details"]["findings"][0] == {"sheet": "Blad1", "row": 5, "column": "Produktnamn", "kind": kind}
    response = post_upload(officer_client, path, "medi")
    assert response.status_code == 422
    assert table_counts(app) == before
    assert_never_kept(app, form, result.output, response.get_data(as_text=True), caplog.text)
