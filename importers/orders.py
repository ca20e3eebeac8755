"""Reading the region's order-line export (WebSesam) into raw cells, sheet by sheet.

The reader finds the header, maps the known columns and hands over every
data row as it is: the privacy guard and the order service decide what to do
with the cells. Like the price-list reader it runs in a child process.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from . import values
from .errors import unreadable
from .profiles import header_key
from .workbook import column_letter, iter_sheets

COLUMNS = {
    "kundordernummer": ("Kundordernummer", "Kundordernr", "KO-nummer"),
    "order_date": ("Orderdatum", "Datum"),
    "supplier": ("Leverantör",),
    "article_number": ("Artikelnummer", "Artikelnr", "Art.nr"),
    "quantity": ("Antal",),
    "made_to_measure": ("Måttsydd",),
    "arrived_at_hmc": ("Ankomst HMC", "Ankomst"),
    "delivered_at": ("Levererad", "Leveransdatum"),
}
REQUIRED = ("kundordernummer", "order_date", "supplier", "article_number", "quantity")
HEADER_SCAN_ROWS = 20


@dataclass(frozen=True)
class OrderSheet:
    name: str
    header_row: int
    columns: dict[str, int]  # field → 0-based column index
    headers: list[str]  # every header text, by column index


def read_order_lines(path: Path) -> Iterator:
    """Yield (OrderSheet, [(row number, cells), ...]) per sheet with a header; refuses a file without one."""
    found = False
    for name, _height, rows in iter_sheets(path):
        sheet = _find_header(name, rows)
        if sheet is None:
            continue
        found = True
        batch = []
        for number, row in enumerate(rows, start=sheet.header_row + 1):
            if sum(not values.is_empty(cell) for cell in row) >= 2:
                batch.append((number, list(row)))
        yield sheet, batch
    if not found:
        raise unreadable(
            "Ingen flik har orderradernas rubriker (Kundordernummer, Orderdatum, Leverantör, Artikelnummer, Antal). "
            "Kontrollera att filen är en export av orderrader från WebSesam."
        )


def _find_header(name: str, rows) -> OrderSheet | None:
    wanted = {header_key(alias): field for field, aliases in COLUMNS.items() for alias in aliases}
    for number, row in enumerate(rows, start=1):
        columns = {}
        for index, cell in enumerate(row):
            field = wanted.get(header_key(cell))
            if field and field not in columns:
                columns[field] = index
        if all(f in columns for f in REQUIRED):
            headers = [values.text(c) or column_letter(i) for i, c in enumerate(row)]
            return OrderSheet(name, number, columns, headers)
        if number >= HEADER_SCAN_ROWS:
            return None
    return None
