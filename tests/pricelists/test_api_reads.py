"""Reading stored imports over HTTP: the list and one import's summary."""

from __future__ import annotations

import json

import pytest


@pytest.fixture
def client(officer_client):
    """Uploads and reads act as a procurement officer."""
    return officer_client


def test_imports_are_listed_and_summarised_over_http(runner, client):
    assert runner.invoke(args=["demo"]).exit_code == 0

    listed = client.get("/api/v1/pricelists?supplier=juzo")
    assert listed.status_code == 200
    (juzo,) = listed.get_json()
    assert juzo["supplier"] == "juzo" and juzo["status"] == "draft"
    assert juzo["allowed"] + sum(juzo["excluded"].values()) == juzo["data_rows"]

    summary = client.get(f"/api/v1/pricelists/{juzo['id']}").get_json()
    assert summary["data_rows"] == juzo["data_rows"]
    assert summary["errors"] and all(e["sheet"] and e["row"] for e in summary["errors"])
    assert "Schwartz" in summary["unknown_colours"]
    assert json.dumps(summary)  # JSON-safe


def test_unknown_import_is_a_json_404(client):
    response = client.get("/api/v1/pricelists/999")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "import_not_found"


def test_bad_limit_is_a_json_422(client):
    response = client.get("/api/v1/pricelists?limit=0")
    assert response.status_code == 422
    assert "error" in response.get_json()
