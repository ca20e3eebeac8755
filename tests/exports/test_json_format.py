import json
from decimal import Decimal

import pytest

from exports.formats.json_format import JsonFormat


def test_json_round_trips_the_document_in_key_order(document):
    data = JsonFormat().write(document)
    back = json.loads(data.decode("utf-8"))
    assert back == document
    assert list(back) == list(document)
    assert [list(item) for item in back["items"]] == [list(item) for item in document["items"]]


def test_json_is_compact_utf8_without_ascii_escapes(document):
    data = JsonFormat().write(document)
    assert data.startswith(b'{"supplier":"medi","version":7,')
    assert "Hudfärg".encode() in data
    assert b"\\u00e4" not in data


def test_json_is_deterministic(document):
    assert JsonFormat().write(document) == JsonFormat().write(json.loads(json.dumps(document)))


def test_json_refuses_values_not_in_wire_form(document):
    document["items"][0]["contract_price_sek"] = Decimal("559.00")
    with pytest.raises(TypeError):
        JsonFormat().write(document)
