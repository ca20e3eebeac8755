"""Checking a Peppol BIS Catalogue 3 document: the UBL 2.1 schema, and the BIS rules written out in Python.

Schema: lxml's XMLSchema with the OASIS UBL 2.1 Catalogue schema vendored under
``ubl-2.1/`` (no network). Rules: the official rule set is Schematron with XSLT 2
functions and a generated part that needs OpenPEPPOL's build, so the fatal rules of
PEPPOL-T19 (rules/sch/parts/PEPPOL-M-T19.sch in OpenPEPPOL/poacc-upgrade-3), of the
common rule set (parts/common/rules.sch and empty-elements.sch) and the structure's
required elements and attributes that a catalogue of ours could break are checked
here, each under its rule ID. ``rule_violations`` returns a list of "ID: what" texts.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from pathlib import Path

from lxml import etree

SCHEMA = Path(__file__).parent / "ubl-2.1" / "maindoc" / "UBL-Catalogue-2.1.xsd"
NS = {
    "ubl": "urn:oasis:names:specification:ubl:schema:xsd:Catalogue-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}
PROFILES = (
    "urn:fdc:peppol.eu:poacc:bis:catalogue_only:3",
    "urn:fdc:peppol.eu:poacc:bis:catalogue_wo_response:3",
)
CUSTOMIZATION = "urn:fdc:peppol.eu:poacc:trns:catalogue:3"


@lru_cache(maxsize=1)
def catalogue_schema() -> etree.XMLSchema:
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    return etree.XMLSchema(etree.parse(str(SCHEMA), parser))


def schema_errors(xml: bytes) -> list[str]:
    """The UBL 2.1 Catalogue schema's complaints about the document (empty when valid)."""
    document = etree.fromstring(xml, etree.XMLParser(no_network=True, resolve_entities=False))
    schema = catalogue_schema()
    if schema.validate(document):
        return []
    return [f"line {e.line}: {e.message}" for e in schema.error_log]


def rule_violations(xml: bytes) -> list[str]:
    """Every broken rule, as 'RULE-ID: what'."""
    root = etree.fromstring(xml, etree.XMLParser(no_network=True, resolve_entities=False))
    found: list[str] = []
    for check in (_profile, _periods, _parties, _lines, _common, _identifiers):
        found.extend(check(root))
    return found


def _x(node, path):
    return node.xpath(path, namespaces=NS)


def _t(node, path) -> str | None:
    hits = _x(node, path)
    return hits[0].text.strip() if hits and hits[0].text else None


def _profile(root):
    if not (_t(root, "cbc:CustomizationID") or "").startswith(CUSTOMIZATION):
        yield "BIS-T19 profile: CustomizationID must start with " + CUSTOMIZATION
    if _t(root, "cbc:ProfileID") not in PROFILES:
        yield "BIS-T19 profile: ProfileID must be catalogue only or catalogue without response"
    for required in ("cbc:ID", "cbc:IssueDate", "cac:ValidityPeriod", "cac:CatalogueLine"):
        if not _x(root, required):
            yield f"BIS-T19 structure: {required} is required"


def _day(text):
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _span(node):
    return _day(_t(node, "cbc:StartDate")), _day(_t(node, "cbc:EndDate"))


def _periods(root):
    catalogue = _span(_x(root, "cac:ValidityPeriod")[0]) if _x(root, "cac:ValidityPeriod") else (None, None)
    if catalogue[1] is None:
        yield "BIS-T19 structure: the catalogue's ValidityPeriod needs an EndDate"
    for period in _x(root, "//cac:ValidityPeriod | //cac:LineValidityPeriod"):
        start, end = _span(period)
        if start and end and end < start:
            yield "PEPPOL-T19-R001: validity end before start"
    for line in _x(root, "cac:CatalogueLine"):
        for period in _x(line, "cac:LineValidityPeriod"):
            start, end = _span(period)
            if (start and catalogue[0] and start < catalogue[0]) or (end and catalogue[1] and end > catalogue[1]):
                yield "PEPPOL-T19-R007: line validity outside the catalogue's"
            for price in _x(line, "cac:RequiredItemLocationQuantity/cac:Price/cac:ValidityPeriod"):
                p_start, p_end = _span(price)
                if (p_start and start and p_start < start) or (p_end and end and p_end > end):
                    yield "PEPPOL-T19-R008: price validity outside the line's"


def _parties(root):
    for tag, rule in (("ProviderParty", "R002"), ("ReceiverParty", "R003")):
        parties = _x(root, f"cac:{tag}")
        if len(parties) != 1:
            yield f"BIS-T19 structure: exactly one {tag}"
            continue
        party = parties[0]
        if not (_t(party, "cac:PartyName/cbc:Name") or _t(party, "cac:PartyIdentification/cbc:ID")):
            yield f"PEPPOL-T19-{rule}: {tag} needs a name or an identifier"
        endpoint = _x(party, "cbc:EndpointID")
        if not endpoint or not endpoint[0].get("schemeID"):
            yield f"BIS-T19 structure: {tag}/EndpointID with schemeID is required"
        if not _t(party, "cac:PartyLegalEntity/cbc:RegistrationName"):
            yield f"BIS-T19 structure: {tag}/PartyLegalEntity/RegistrationName is required"
    for tag, rule in (("SellerSupplierParty", "R004"), ("ContractorCustomerParty", "R005")):
        for party in _x(root, f"//cac:{tag}"):
            if not (
                _t(party, "cac:Party/cac:PartyName/cbc:Name") or _t(party, "cac:Party/cac:PartyIdentification/cbc:ID")
            ):
                yield f"PEPPOL-T19-{rule}: {tag} needs a name or an identifier"


def _lines(root):
    ids = [_t(line, "cbc:ID") for line in _x(root, "cac:CatalogueLine")]
    if len(ids) != len(set(ids)):
        yield "BIS-T19 structure: line IDs must be unique"
    for line in _x(root, "cac:CatalogueLine"):
        yield from _line(line)


def _number(text):
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def _line(line):
    for amount in _x(line, "cac:RequiredItemLocationQuantity/cac:Price/cbc:PriceAmount"):
        value = _number(amount.text)
        if value is None or value < 0:
            yield "PEPPOL-T19-R006: a price must not be negative"
        if not amount.get("currencyID"):
            yield "BIS-T19 structure: PriceAmount needs currencyID"
    low, high = _number(_t(line, "cbc:MinimumOrderQuantity")), _number(_t(line, "cbc:MaximumOrderQuantity"))
    if (low is not None and low < 0) or (high is not None and high < 0):
        yield "PEPPOL-T19-R013: order quantities must not be negative"
    if low is not None and high is not None and high < low:
        yield "PEPPOL-T19-R016: maximum quantity below minimum"
    items = _x(line, "cac:Item")
    if len(items) != 1:
        yield "BIS-T19 structure: one Item per line"
        return
    yield from _item(items[0])


def _item(item):
    if not _t(item, "cbc:Name"):
        yield "PEPPOL-T19-R009: an item needs a name"
    if not (_t(item, "cac:SellersItemIdentification/cbc:ID") or _t(item, "cac:StandardItemIdentification/cbc:ID")):
        yield "PEPPOL-T19-R010: an item needs the seller's or a standard identifier"
    for code in _x(item, "cac:CommodityClassification/cbc:ItemClassificationCode"):
        if not code.get("listID"):
            yield "BIS-T19 structure: ItemClassificationCode needs listID"
    for tax in _x(item, "cac:ClassifiedTaxCategory"):
        category, percent = _t(tax, "cbc:ID"), _number(_t(tax, "cbc:Percent"))
        if category != "O" and percent is None:
            yield "PEPPOL-T19 tax: a tax category other than O needs a rate"
        if category == "S" and (percent is None or percent <= 0):
            yield "PEPPOL-T19 tax: standard rate S needs a rate above zero"


def _common(root):
    if any(name.endswith("schemaLocation") for name in root.attrib):
        yield "PEPPOL-COMMON-R003: no schema location"
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        namespace = etree.QName(element).namespace
        if namespace == NS["cbc"] and not (element.text or "").strip():
            yield f"PEPPOL-COMMON-R001: empty element {etree.QName(element).localname}"
        if namespace == NS["cac"] and len(element) == 0:
            yield f"PEPPOL-COMMON-R002: empty element {etree.QName(element).localname}"
    for day in _x(root, "//cbc:IssueDate | //cbc:StartDate | //cbc:EndDate"):
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", day.text or "") or _day(day.text) is None:
            yield "PEPPOL-COMMON-R030: a date must be YYYY-MM-DD"


def gs1_check_digit_ok(digits: str) -> bool:
    """GS1 check digit (GTIN, GLN): weights 3 and 1 from the right, excluding the check digit."""
    if not digits.isdigit():
        return False
    body, check = digits[:-1], int(digits[-1])
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10 == check


def _identifiers(root):
    for node in _x(root, "//cbc:EndpointID | //cac:PartyIdentification/cbc:ID"):
        scheme, value = node.get("schemeID"), (node.text or "").strip()
        if scheme == "0088" and not gs1_check_digit_ok(value):
            yield "PEPPOL-COMMON-R040: GLN with a wrong check digit"
        if scheme == "0007" and not re.fullmatch(r"\d{10}", value):
            yield "PEPPOL-COMMON-R049: a Swedish organisation number has 10 digits"
    for node in _x(root, "//cac:StandardItemIdentification/cbc:ID"):
        if not node.get("schemeID"):
            yield "BIS-T19 structure: StandardItemIdentification/ID needs schemeID"
        elif node.get("schemeID") == "0160" and not (
            len(node.text or "") in (8, 12, 13, 14) and gs1_check_digit_ok(node.text)
        ):
            yield "BIS-T19 GTIN: a GTIN (scheme 0160) with a wrong length or check digit"
