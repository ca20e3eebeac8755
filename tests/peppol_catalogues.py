"""Writing Peppol BIS Catalogue 3 documents from price-list workbooks, for tests and the import bench.

Independent of the importer: headers are found with the supplier profile's names,
cells are written as the workbook holds them (a text price stays text, a number is
written as a number), and each data row becomes one ``cac:CatalogueLine`` whose
``AdditionalItemProperty`` names are the workbook's own column headers.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import python_calamine

from importers.profiles import SupplierProfile, header_key

HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<Catalogue xmlns="urn:oasis:names:specification:ubl:schema:xsd:Catalogue-2"
 xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
 xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
<cbc:CustomizationID>urn:fdc:peppol.eu:poacc:trns:catalogue:3</cbc:CustomizationID>
<cbc:ProfileID>urn:fdc:peppol.eu:poacc:bis:catalogue_wo_response:3</cbc:ProfileID>
<cbc:ID>{id}</cbc:ID>
{action}<cbc:IssueDate>2026-03-01</cbc:IssueDate>
<cac:ValidityPeriod><cbc:StartDate>2026-05-01</cbc:StartDate><cbc:EndDate>2028-04-30</cbc:EndDate></cac:ValidityPeriod>
<cac:ProviderParty><cbc:EndpointID schemeID="0007">5560000001</cbc:EndpointID>
<cac:PartyLegalEntity><cbc:RegistrationName>Leverantören AB</cbc:RegistrationName></cac:PartyLegalEntity>
</cac:ProviderParty>
<cac:ReceiverParty><cbc:EndpointID schemeID="0007">2321000131</cbc:EndpointID>
<cac:PartyLegalEntity><cbc:RegistrationName>Västra Götalandsregionen</cbc:RegistrationName></cac:PartyLegalEntity>
</cac:ReceiverParty>
{seller}"""

# A supplier's contact person in the header: never a reason to refuse the file, never stored.
CONTACT_NAME = "Karin Lindqvist"
CONTACT_PHONE = "070-123 45 67"
CONTACT_EMAIL = "karin.lindqvist@leverantoren.example"
SELLER = f"""<cac:SellerSupplierParty><cac:Party><cac:PartyName><cbc:Name>Leverantören AB</cbc:Name></cac:PartyName>
<cac:Contact><cbc:Name>{CONTACT_NAME}</cbc:Name><cbc:Telephone>{CONTACT_PHONE}</cbc:Telephone>
<cbc:ElectronicMail>{CONTACT_EMAIL}</cbc:ElectronicMail></cac:Contact></cac:Party></cac:SellerSupplierParty>
"""
FIXED = ("article_number", "gtin", "name", "price", "valid_from", "valid_to")


def data_rows(path: Path, profile: SupplierProfile) -> list[dict]:
    """Every data row of the workbook (two or more filled cells below a header) as {field or header: value}."""
    index = profile.header_index()
    rows: list[dict] = []
    book = python_calamine.load_workbook(str(path))
    for name in book.sheet_names:
        header = None
        for cells in book.get_sheet_by_name(name).iter_rows():
            if header is None:
                if sum(header_key(c) in index for c in cells) >= 4:
                    header = cells
                continue
            if sum(not (c == "" or (isinstance(c, str) and not c.strip())) for c in cells) < 2:
                continue
            row, mapped = {}, set()
            for title, value in zip(header, cells, strict=False):
                field = index.get(header_key(title))
                if field is not None and field not in mapped:
                    mapped.add(field)
                    row[field if field in FIXED else ("property", str(title).strip(), field)] = value
            rows.append(row)
    return rows


def line_xml(number: int, row: dict, action: str | None = None) -> str:
    """One CatalogueLine for a row of :func:`data_rows`."""
    item = []
    name = _text(row.get("name")) or "Artikel"
    item.append(f"<cbc:Name>{escape(name)}</cbc:Name>")
    article = _text(row.get("article_number"))
    if article:
        item.append(
            f"<cac:SellersItemIdentification><cbc:ID>{escape(article)}</cbc:ID></cac:SellersItemIdentification>"
        )
    gtin = _text(row.get("gtin"))
    if gtin:
        item.append(
            f'<cac:StandardItemIdentification><cbc:ID schemeID="0160">{escape(gtin)}</cbc:ID>'
            "</cac:StandardItemIdentification>"
        )
    for key, value in row.items():
        if isinstance(key, tuple) and _text(value):
            item.append(
                f"<cac:AdditionalItemProperty><cbc:Name>{escape(key[1])}</cbc:Name>"
                f"<cbc:Value>{escape(_text(value))}</cbc:Value></cac:AdditionalItemProperty>"
            )
    parts = [f"<cac:CatalogueLine><cbc:ID>{number}</cbc:ID>"]
    if action:
        parts.append(f"<cbc:ActionCode>{action}</cbc:ActionCode>")
    start, end = _text(row.get("valid_from")), _text(row.get("valid_to"))
    if start or end:
        parts.append("<cac:LineValidityPeriod>")
        parts.append(f"<cbc:StartDate>{escape(start)}</cbc:StartDate>" if start else "")
        parts.append(f"<cbc:EndDate>{escape(end)}</cbc:EndDate>" if end else "")
        parts.append("</cac:LineValidityPeriod>")
    price = _text(row.get("price"))
    parts.append(
        "<cac:RequiredItemLocationQuantity><cac:Price>"
        f"<cbc:PriceAmount currencyID={quoteattr('SEK')}>{escape(price)}</cbc:PriceAmount>"
        "<cbc:BaseQuantity>1</cbc:BaseQuantity></cac:Price></cac:RequiredItemLocationQuantity>"
    )
    parts.append(f"<cac:Item>{''.join(item)}</cac:Item></cac:CatalogueLine>\n")
    return "".join(parts)


def write_catalogue(
    rows: list[dict], target: Path, *, action: str | None = None, line_actions=None, contact: bool = False
) -> Path:
    """Write the rows as a catalogue; ``line_actions`` gives each line's ActionCode (an Update)."""
    with open(target, "w", encoding="utf-8") as out:
        head = HEAD.format(
            id="KAT-1",
            action=f"<cbc:ActionCode>{action}</cbc:ActionCode>\n" if action else "",
            seller=SELLER if contact else "",
        )
        out.write(head)
        for number, row in enumerate(rows, start=1):
            out.write(line_xml(number, row, line_actions[number - 1] if line_actions else None))
        out.write("</Catalogue>\n")
    return target


def _text(value) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()
