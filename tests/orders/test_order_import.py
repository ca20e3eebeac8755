"""Acceptance: the WebSesam sample is refused for its planted personal data; blanked, it stores exactly the truth."""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict

import pytest
from sqlalchemy import func, select

from catalog_service.extensions import db
from catalog_service.files import SourceFile
from catalog_service.orders.models import OrderLine
from catalog_service.suppliers import profiles
from tests.helpers import table_counts


@pytest.fixture
def truth(samples):
    return json.loads((samples / "expected.json").read_text(encoding="utf-8"))["orders"]


def test_sample_export_is_refused_for_every_planted_row_and_nothing_else(app, runner, samples, sample_contract, truth):
    before = table_counts(app)
    result = runner.invoke(args=["orders", "import", str(samples / "websesam-orderrader.xlsx"), "--json"])

    assert result.exit_code == 1
    summary = json.loads(result.stdout)
    assert summary["status"] == "refused" and summary["stored"] == 0
    rows = {f["row"] for f in summary["findings"]}
    assert rows == {p["row"] for p in truth["pii_rows"]}
    assert not rows & {d["row"] for d in truth["decoy_rows"]}
    assert all(f["sheet"] == "Orderrader" and f["column"] == "Kommentar" and f["kind"] for f in summary["findings"])
    planted_text = [p["kommentar"] for p in truth["pii_rows"]]
    assert not any(text in result.stdout or text in result.stderr for text in planted_text)
    assert table_counts(app) == before


def test_blanked_export_stores_exactly_the_lines_from_contract_start(
    app, runner, samples, sample_contract, truth, blanked_export
):
    result = runner.invoke(args=["orders", "import", str(blanked_export), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["status"] == "stored" and summary["findings"] == []
    assert summary["data_rows"] == truth["data_rows"]
    assert summary["stored"] == truth["rows_from_contract_start"]
    assert summary["before_contract_start"] == truth["rows_before_contract_start"]
    assert summary["already_present"] == 0

    names = {code: p.name for code, p in profiles().items()}
    with app.app_context():
        totals = defaultdict(lambda: [0, 0])
        for supplier, article, quantity in db.session.execute(
            select(OrderLine.supplier, OrderLine.article_number, OrderLine.quantity)
        ):
            totals[(names[supplier], article)][0] += quantity
            totals[(names[supplier], article)][1] += 1
        assert db.session.scalar(select(func.count(SourceFile.id))) == 1
    with open(samples / truth["quantities_csv"], newline="", encoding="utf-8") as handle:
        expected = {
            (r["leverantor"], r["artikelnummer"]): [int(r["antal"]), int(r["orderrader"])]
            for r in csv.DictReader(handle)
        }
    assert dict(totals) == expected

    again = json.loads(runner.invoke(args=["orders", "import", str(blanked_export), "--json"]).stdout)
    assert (again["stored"], again["already_present"]) == (0, truth["rows_from_contract_start"])
    with app.app_context():
        assert db.session.scalar(select(func.count(OrderLine.id))) == truth["rows_from_contract_start"]


def test_api_refuses_the_sample_with_422_and_findings(app, samples, sample_contract, truth):
    from werkzeug.datastructures import FileStorage
    from werkzeug.test import encode_multipart

    from tests.conftest import bearer_client, make_token

    client = bearer_client(app, make_token(app, roles=("hmc",), name="hmc1"))
    path = samples / "websesam-orderrader.xlsx"
    boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(path.read_bytes()), filename=path.name)})
    before = table_counts(app)
    response = client.post(
        "/api/v1/orders/imports", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert response.status_code == 422
    # Over HTTP a refusal has the one error shape, the findings in its details (issue 17, item 8);
    # the CLI's --json keeps DESIGN.md's summary (test_sample_export_is_refused_for_every_planted_row_and_nothing_else).
    error = response.get_json()["error"]
    assert set(response.get_json()) == {"error"} and error["code"] == "personal_data"
    assert "personuppgifter" in error["message"] and "Ingenting sparades" in error["message"]
    findings = error["details"]["findings"]
    assert {f["row"] for f in findings} == {p["row"] for p in truth["pii_rows"]}
    assert all(set(f) == {"sheet", "row", "column", "kind"} for f in findings)
    assert not any(p["kommentar"] in response.get_data(as_text=True) for p in truth["pii_rows"])
    assert table_counts(app) == before


def test_openapi_documents_a_refused_import_as_the_error_shape(client):
    """Item 8 of issue 17: the document promised a summary or an error; now it is the one error shape."""
    operation = client.get("/api/v1/openapi.json").get_json()["paths"]["/api/v1/orders/imports"]["post"]
    refused = operation["responses"]["422"]
    assert refused["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorResponse"}
    assert "details.findings" in refused["description"]
