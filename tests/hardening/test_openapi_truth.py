"""The OpenAPI document is the truth (issue 17, item 6): what it describes is what the service does.

A red-team pass found an upload described as x-www-form-urlencoded with a Swagger-2 ``formData``
file (a generated client could not upload), ``?format=`` accepted though the document lists three
formats, an empty ``delivery-report?supplier=`` and a blank rollback reason answered differently
from what the document said, and an over-long URL answered as HTML. test_api_schema.py runs
Schemathesis with its conformance checks over every operation; these tests pin each finding.
"""

from __future__ import annotations

import json

import pytest

from catalog_service.limits import MAX_URL_BYTES
from tests.conftest import bearer_client, make_token
from tests.helpers import assert_error


@pytest.fixture
def spec(client) -> dict:
    return client.get("/api/v1/openapi.json").get_json()


@pytest.fixture
def admin(app):
    return bearer_client(app, make_token(app, roles=("admin",), name="admin1"))


def test_the_price_list_upload_is_one_multipart_body_with_a_binary_file(spec):
    operation = spec["paths"]["/api/v1/pricelists"]["post"]
    assert "parameters" not in operation  # no Swagger-2 "in: formData" parameter
    (content_type,) = operation["requestBody"]["content"]
    assert content_type == "multipart/form-data"
    name = operation["requestBody"]["content"][content_type]["schema"]["$ref"].rsplit("/", 1)[1]
    body = spec["components"]["schemas"][name]
    assert body["properties"]["file"] == {**body["properties"]["file"], "type": "string", "format": "binary"}
    assert set(body["required"]) == {"file", "supplier"}


def test_no_operation_has_a_swagger_2_form_parameter_or_a_urlencoded_upload(spec):
    text = json.dumps(spec)
    assert '"formData"' not in text and "x-www-form-urlencoded" not in text


def test_the_documented_upload_works(app, admin, tmp_path):
    """A request built as the document says (one multipart body: file, supplier) reaches the import."""
    from tests.factories import assortments as factory

    factory.load_contract(app, factory.small_contract(tmp_path))
    officer = bearer_client(app, make_token(app, roles=("upphandlare",), name="upphandlare1"))
    path = factory.write_price_list(tmp_path, "medi", factory.articles("medi", 3), name="medi.xlsx")
    with path.open("rb") as handle:
        response = officer.post(
            "/api/v1/pricelists",
            data={"file": (handle, "medi.xlsx"), "supplier": "medi"},
            content_type="multipart/form-data",
        )
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["data_rows"] == 3


@pytest.mark.parametrize("query", ["?format=", "?format=pdf", "?format=JSON2"])
def test_a_feed_format_outside_the_documented_enum_is_refused(app, query):
    eshop = bearer_client(app, make_token(app, eshop="medi"))
    assert_error(eshop.get("/api/v1/feeds/medi" + query), 400, "unknown_format")


@pytest.mark.parametrize("query", ["?status=bogus", "?status=", "?status=submitted&status=x", "?urgency=later"])
def test_request_filters_outside_their_enums_are_refused(admin, query):
    assert_error(admin.get("/api/v1/requests" + query), 422)


def test_an_empty_delivery_report_supplier_means_every_supplier(admin):
    everyone = admin.get("/api/v1/orders/delivery-report")
    empty = admin.get("/api/v1/orders/delivery-report?supplier=")
    assert empty.status_code == everyone.status_code == 200
    assert empty.get_json() == everyone.get_json()
    assert_error(admin.get("/api/v1/orders/delivery-report?supplier=okand"), 422)


def test_a_rollback_reason_is_documented_as_not_blank_and_refused_blank(spec, admin):
    body = next(iter(spec["paths"]["/api/v1/suppliers/{supplier}/rollback"]["post"]["requestBody"]["content"].values()))
    name = body["schema"]["$ref"].rsplit("/", 1)[1]
    reason = spec["components"]["schemas"][name]["properties"]["reason"]
    assert reason["minLength"] == 1 and reason["pattern"] == r"\S"
    for blank in ("", "   "):
        assert_error(admin.post("/api/v1/suppliers/medi/rollback", json={"to_version": 1, "reason": blank}), 422)


@pytest.mark.parametrize("path", ["/api/v1/orders?kundordernummer=", "/api/v1/"])
def test_an_over_long_url_answers_414_as_json(admin, path):
    response = admin.get(path + "a" * (MAX_URL_BYTES + 1))
    error = assert_error(response, 414, "uri_too_long")
    assert response.content_type == "application/json" and error["details"] == {"max_url_bytes": MAX_URL_BYTES}
