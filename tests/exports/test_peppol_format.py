"""The Peppol catalogue writer: valid against the UBL 2.1 schema and the BIS rules, no person in it."""

from __future__ import annotations

import pytest

from exports.formats.peppol import NotRenderable, PeppolFormat
from tests.exports.peppol_rules import rule_violations, schema_errors

PARTIES = {
    "catalogue_id": "medi-sortiment-v3",
    "name": "Upphandlat sortiment Medi, version 3",
    "contract_reference": "VGR-2025-0142",
    "provider": {"endpoint_id": "2321000131", "scheme": "0007", "name": "Västra Götalandsregionen"},
    "receiver": {"endpoint_id": "7300010000001", "scheme": "0088", "name": "Medi"},
}


def _item(number: str, **changes) -> dict:
    item = {
        "article_number": number,
        "gtin": "7310790000016",
        "model": "M-100",
        "name": "Knästrumpa <klass 2> & tå",
        "position": "1.2",
        "iso_code": "04 06 06",
        "compression_class": 2,
        "garment_type": "AD",
        "size": "III",
        "length": "normal",
        "colour": "Sand",
        "base_colour": "Sand",
        "made_to_measure": False,
        "contract_price_sek": "559.00",
        "lead_time_working_days": 5,
        "list_price_sek": None,
        "hmc_stock_item": True,
    }
    return {**item, **changes}


def _document(items, **parties) -> dict:
    return {
        "supplier": "medi",
        "version": 3,
        "published_at": "2026-04-20T08:00:00Z",
        "contract": {"valid_from": "2026-05-01", "valid_to": "2028-04-30"},
        "ordering": {},
        "items": items,
        "peppol": {**PARTIES, **parties},
    }


def test_catalogue_passes_schema_and_rules_and_says_what_the_issue_asks():
    items = [_item("A-1"), _item("A-2", gtin="7310790000012", name=None, iso_code=None), _item("A-3", gtin=None)]
    body = PeppolFormat().write(_document(items))

    assert schema_errors(body) == []
    assert rule_violations(body) == []
    text = body.decode("utf-8")
    assert "<cbc:ActionCode>Replace</cbc:ActionCode>" in text
    assert "<cbc:VersionID>3</cbc:VersionID>" in text
    assert "<cbc:StartDate>2026-05-01</cbc:StartDate><cbc:EndDate>2028-04-30</cbc:EndDate>" in text
    assert "<cac:ReferencedContract><cbc:ID>VGR-2025-0142</cbc:ID>" in text
    assert '<cbc:EndpointID schemeID="0007">2321000131</cbc:EndpointID>' in text
    assert '<cbc:EndpointID schemeID="0088">7300010000001</cbc:EndpointID>' in text
    assert text.count("<cac:CatalogueLine>") == 3
    assert '<cbc:PriceAmount currencyID="SEK">559.00</cbc:PriceAmount>' in text
    assert '<cbc:ID schemeID="0160">7310790000016</cbc:ID>' in text
    assert "7310790000012" not in text  # a wrong check digit is left out; the seller's ID identifies the item
    assert 'listName="ISO 9999">04 06 06</cbc:ItemClassificationCode>' in text
    assert "<cbc:Name>Kompressionsklass</cbc:Name><cbc:Value>2</cbc:Value>" in text
    assert "Knästrumpa &lt;klass 2&gt; &amp; tå" in text
    assert "Contact" not in text and "Telephone" not in text and "ElectronicMail" not in text
    assert PeppolFormat().write(_document(items)) == body


def test_catalogue_without_contract_reference_leaves_the_element_out():
    body = PeppolFormat().write(_document([_item("A-1")], contract_reference=None))
    assert b"ReferencedContract" not in body
    assert schema_errors(body) == [] and rule_violations(body) == []


@pytest.mark.parametrize(
    ("items", "parties"),
    [([], {}), ([_item("A-1")], {"receiver": {"endpoint_id": None, "scheme": "0007", "name": "Medi"}})],
)
def test_no_catalogue_without_lines_or_party_identifiers(items, parties):
    with pytest.raises(NotRenderable):
        PeppolFormat().write(_document(items, **parties))


def test_the_checks_find_broken_catalogues():
    """The validation is only worth something if it fails on bad documents."""
    good = PeppolFormat().write(_document([_item("A-1")])).decode("utf-8")
    negative = good.replace(">559.00<", ">-1.00<")
    empty = good.replace("<cbc:Value>Sand</cbc:Value>", "<cbc:Value></cbc:Value>", 1)
    unidentified = good.replace(
        "<cac:SellersItemIdentification><cbc:ID>A-1</cbc:ID></cac:SellersItemIdentification>", ""
    )
    unidentified = unidentified.replace(
        '<cac:StandardItemIdentification><cbc:ID schemeID="0160">7310790000016</cbc:ID>'
        "</cac:StandardItemIdentification>",
        "",
    )
    reordered = good.replace("<cbc:ActionCode>Replace</cbc:ActionCode>", "").replace(
        "<cbc:VersionID>", "<cbc:ActionCode>Replace</cbc:ActionCode><cbc:VersionID>"
    )
    assert any(v.startswith("PEPPOL-T19-R006") for v in rule_violations(negative.encode()))
    assert any(v.startswith("PEPPOL-COMMON-R001") for v in rule_violations(empty.encode()))
    assert any(v.startswith("PEPPOL-T19-R010") for v in rule_violations(unidentified.encode()))
    assert schema_errors(reordered.encode()) != []
