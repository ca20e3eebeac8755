"""JSON: the whole document, UTF-8, compact, keys in the order the document gives them."""

from __future__ import annotations

import json


class JsonFormat:
    name = "json"
    extensions = ("json",)
    media_type = "application/json"

    def write(self, document: dict) -> bytes:
        """The document as compact UTF-8 JSON; same document, same bytes.

        Raises TypeError for values JSON cannot hold (Decimal, datetime): the
        document must already be in wire form. NaN and infinities raise
        ValueError rather than producing JSON other parsers reject.
        """
        text = json.dumps(document, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        return text.encode("utf-8")
