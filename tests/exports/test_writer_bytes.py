"""Same document, same bytes, across writer changes: a published version's feed never changes its body or
ETag. The digests are those of the element-by-element writers (Peppol) and the per-cell writer (XLSX) that
the faster ones replaced; a change here changes every newly rendered feed and must be deliberate."""

from __future__ import annotations

import hashlib

import pytest

from exports.formats.peppol import PeppolFormat
from exports.formats.xlsx_format import XlsxFormat
from tests.exports.conftest import _item

PARTIES = {
    "catalogue_id": "medi-sortiment-v7",
    "name": "Upphandlat sortiment Medi & co",
    "contract_reference": "VGR <2026>",
    "provider": {"endpoint_id": "2321000131", "scheme": "0007", "name": "Västra Götalandsregionen"},
    "receiver": {"endpoint_id": "7350000000001", "scheme": "0088", "name": 'Medi "Sverige" AB'},
}


@pytest.fixture
def awkward(document) -> dict:
    """The shared document plus an item whose texts need escaping and keep their spaces."""
    extra = _item(article_number="0035024466", name=' Strumpa & <"vänster"> ', colour="a&b", iso_code="04 27 <06>")
    return {**document, "items": [*document["items"], extra]}


def test_peppol_catalogue_bytes_are_unchanged(awkward):
    body = PeppolFormat().write({**awkward, "peppol": PARTIES})
    assert hashlib.sha256(body).hexdigest() == "79f71be2c8a2598c8dee04f8ce429c8d9d5d4c5e5d2d8eb8ceb4232da714d851"


def test_xlsx_workbook_bytes_are_unchanged(awkward):
    body = XlsxFormat().write(awkward)
    assert hashlib.sha256(body).hexdigest() == "44e1d1c9cec48f92f123e21ad93ce2350471ee7f3f091b72d5b675d9aa03ef28"
