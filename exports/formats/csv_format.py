"""CSV: one row per item under a header of ITEM_KEYS (RFC 4180: comma, CRLF, minimal quoting).

Choices a reader of the file should know:

- UTF-8 with a byte order mark. Excel (Swedish locale included) reads a CSV
  without a BOM as the Windows code page, so "Hudfärg" would come out as
  "HudfÃ¤rg"; the BOM makes Excel read UTF-8. Python's ``utf-8-sig`` and most
  CSV libraries skip it.
- None is an empty field; booleans are ``true``/``false``, as in the JSON feed.
- Only the items travel: supplier, version and contract dates are in JSON/XLSX.
- Formula neutralising (OWASP "CSV injection"): a text field starting with
  ``=``, ``+``, ``-``, ``@``, tab or carriage return gets a leading ``'`` so a
  spreadsheet shows it as text instead of running it. Numbers and the price
  text are left alone, so "559.00" is never changed.
"""

from __future__ import annotations

import csv
import io
import re

from exports.feed import ITEM_KEYS, NUMERIC_TEXT_KEYS, item_row

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_DECIMAL_TEXT = re.compile(r"-?\d+(?:\.\d+)?")


def neutralise(text: str) -> str:
    """The text with a leading ``'`` when a spreadsheet would read it as a formula."""
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def csv_field(key: str, value) -> str:
    """One item value as CSV field text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if not isinstance(value, str):
        return str(value)
    # The price is exempt only while it really is a number; anything else is treated as text.
    if key in NUMERIC_TEXT_KEYS and _DECIMAL_TEXT.fullmatch(value):
        return value
    return neutralise(value)


class CsvFormat:
    name = "csv"
    extensions = ("csv",)
    media_type = "text/csv; charset=utf-8"

    def write(self, document: dict) -> bytes:
        """The document's items as UTF-8 CSV with a BOM; same document, same bytes."""
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(ITEM_KEYS)
        for item in document["items"]:
            writer.writerow([csv_field(key, value) for key, value in zip(ITEM_KEYS, item_row(item), strict=True)])
        return buffer.getvalue().encode("utf-8-sig")
