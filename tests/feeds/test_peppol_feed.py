"""Acceptance (issue 14, item 6): each published sample as a Peppol catalogue — valid, round-trips, revalidates."""

from __future__ import annotations

import json

import pytest
from lxml import etree

from tests.conftest import bearer_client, make_token
from tests.exports.peppol_rules import NS, rule_violations, schema_errors
from tests.pricelists.test_sample_imports import SUPPLIERS, _allowed_rows

CONTRACT_REFERENCE = "VGR-HMC-2025-KOMPRESSION"


def _run(runner, *args):
    result = runner.invoke(args=[*args])
    assert result.exit_code == 0, result.output
    return result


def _import(runner, path, supplier) -> dict:
    result = _run(runner, "pricelist", "import", str(path), "--supplier", supplier, "--json", "--actor", "upphandlare1")
    return json.loads(result.stdout)


@pytest.mark.parametrize("supplier", SUPPLIERS)
def test_published_sample_as_peppol_validates_round_trips_and_revalidates(
    app, runner, samples, sample_contract, tmp_path, supplier
):
    app.config["PEPPOL_CONTRACT_REFERENCE"] = CONTRACT_REFERENCE
    truth = json.loads((samples / "expected.json").read_text(encoding="utf-8"))["suppliers"][supplier]
    first = _import(runner, samples / truth["file"], supplier)
    _run(runner, "assortment", "publish", "--supplier", supplier, "--actor", "granskare")
    output = tmp_path / f"{supplier}.xml"

    _run(runner, "feed", "export", "--supplier", supplier, "--format", "peppol", "-o", str(output))

    body = output.read_bytes()
    assert schema_errors(body) == []
    assert rule_violations(body) == []
    root = etree.fromstring(body)
    assert root.findtext("cbc:VersionID", namespaces=NS) == "1"
    assert root.findtext("cbc:ActionCode", namespaces=NS) == "Replace"
    assert root.findtext("cac:ValidityPeriod/cbc:StartDate", namespaces=NS) == "2026-05-01"
    assert root.findtext("cac:ValidityPeriod/cbc:EndDate", namespaces=NS) == "2028-04-30"
    assert root.findtext("cac:ReferencedContract/cbc:ID", namespaces=NS) == CONTRACT_REFERENCE
    assert root.findtext("cac:ProviderParty/cbc:EndpointID", namespaces=NS) == app.config["PEPPOL_PROVIDER_ID"]
    assert root.find("cac:ReceiverParty/cbc:EndpointID", namespaces=NS).get("schemeID") == "0007"
    lines = root.findall("cac:CatalogueLine", namespaces=NS)
    assert len(lines) == truth["allowed"]
    assert not root.xpath("//cac:Contact", namespaces=NS)

    with app.app_context():
        published = sorted(r["article_number"] for r in _allowed_rows(first["import_id"], supplier))
    again = _import(runner, output, supplier)
    assert again["data_rows"] == again["allowed"] == truth["allowed"]
    with app.app_context():
        assert sorted(r["article_number"] for r in _allowed_rows(again["import_id"], supplier)) == published

    eshop = bearer_client(app, make_token(app, eshop=supplier))
    served = eshop.get(f"/api/v1/feeds/{supplier}?format=peppol")
    assert served.status_code == 200
    assert served.content_type == "application/xml"
    assert served.data == body
    by_accept = eshop.get(f"/api/v1/feeds/{supplier}", headers={"Accept": "application/xml"})
    assert by_accept.status_code == 200 and by_accept.headers["ETag"] == served.headers["ETag"]
    revalidated = eshop.get(
        f"/api/v1/feeds/{supplier}?format=peppol", headers={"If-None-Match": served.headers["ETag"]}
    )
    assert revalidated.status_code == 304
    assert revalidated.data == b""
