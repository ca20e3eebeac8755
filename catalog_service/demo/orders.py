"""A small, deterministic WebSesam-style order export for the demo (customer order numbers only)."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from pathlib import Path

import xlsxwriter

from ..orders.leadtime import add_working_days

HEADERS = [
    "Kundordernummer",
    "Orderdatum",
    "Leverantör",
    "Artikelnummer",
    "Antal",
    "Måttsydd",
    "Ankomst HMC",
    "Levererad",
    "Kommentar",
]
FIRST_DAY = date(2026, 5, 4)


def write_demo_orders(path: Path, articles: dict[str, list[tuple[str, bool]]], *, lines: int = 80) -> Path:
    """Write ``lines`` order lines over articles per supplier name: (article number, made to measure)."""
    rng = random.Random("demo-orders")
    book = xlsxwriter.Workbook(str(path))
    book.set_properties({"created": datetime(2026, 1, 1)})
    sheet = book.add_worksheet("Orderrader")
    dates = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, HEADERS)
    suppliers = sorted(articles)
    number = 2600100
    for row in range(1, lines + 1):
        number += rng.choice((0, 1, 1, 2))
        supplier = rng.choice(suppliers)
        article, made_to_measure = rng.choice(articles[supplier])
        ordered = FIRST_DAY + timedelta(days=rng.randrange(0, 180))
        arrived = add_working_days(ordered, (10 if made_to_measure else 5) + rng.choice((-2, -1, 0, 0, 1, 3)))
        values = [
            f"KO-{number}",
            ordered,
            supplier,
            article,
            rng.choice((1, 1, 2, 3)),
            "Ja" if made_to_measure else "Nej",
            arrived if arrived < date(2026, 11, 20) else None,
            None,
            "",
        ]
        for column, value in enumerate(values):
            if isinstance(value, date):
                sheet.write_datetime(row, column, datetime(value.year, value.month, value.day), dates)
            elif value is not None:
                sheet.write(row, column, value)
    book.close()
    return path
