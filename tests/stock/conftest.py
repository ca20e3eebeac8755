"""The hand-checked example: Medi published with five articles, four weeks of orders (weeks 32–35 of 2026)."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from catalog_service.demo.orders import HEADERS as ORDER_HEADERS  # the WebSesam export layout
from tests.conftest import page_client
from tests.factories import assortments as factory
from tests.factories import workbooks

# Four whole ISO weeks without a Swedish holiday: Monday 3 August to Sunday 30 August 2026 (weeks 32–35),
# 20 working days.
WINDOW = {"from": "2026-08-03", "to": "2026-08-30"}
MONDAYS = [date(2026, 8, 3) + timedelta(weeks=n) for n in range(4)]

A, B, E, C, D = "MED-0001", "MED-0002", "MED-0003", "MED-0004", "MED-0005"
# Weekly units per article. A, B and E are model MED1-AD (contract price 450 SEK), C is MED3-AG (600 SEK),
# D is MED2-MTM (made to measure, 900 SEK).
WEEKLY = {A: [10, 10, 10, 10], B: [4, 6, 4, 6], C: [0, 5, 0, 0], D: [2, 2, 2, 2], E: [1, 0, 0, 0]}


def example_articles() -> list[factory.Article]:
    return [
        *factory.articles("medi", 3),  # MED-0001..0003, MED1-AD
        *factory.articles("medi", 1, start=4, model_number=3),  # MED-0004, MED3-AG
        *factory.articles("medi", 1, start=5, model_number=2),  # MED-0005, MED2-MTM
    ]


def example_lines() -> list[list]:
    """A's 10 a week as two lines of 5 (Monday and Wednesday); every other week's units as one line.

    One more line of A lies after the window (1 September) and must not count.
    """
    lines = []
    for week, monday in enumerate(MONDAYS):
        lines.append([monday, A, 5, "Nej"])
        lines.append([monday + timedelta(days=2), A, 5, "Nej"])
        for article in (B, C, D, E):
            if WEEKLY[article][week]:
                lines.append(
                    [monday + timedelta(days=1), article, WEEKLY[article][week], "Ja" if article == D else "Nej"]
                )
    lines.append([date(2026, 9, 1), A, 7, "Nej"])
    return [
        [f"KO-26{n:05d}", ordered, "Medi", article, units, made_to_measure, None, None, ""]
        for n, (ordered, article, units, made_to_measure) in enumerate(lines, start=1)
    ]


def import_orders(runner, tmp_path, rows, name="orderrader.xlsx"):
    path = workbooks.price_list(tmp_path, ORDER_HEADERS, rows, name=name, sheet="Orderrader")
    result = runner.invoke(args=["orders", "import", str(path), "--json", "--actor", "hmc1"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture
def example(app, runner, tmp_path):
    """The small contract, Medi's five example articles published, and the example's order lines."""
    factory.load_contract(app, factory.small_contract(tmp_path))
    factory.import_and_publish(app, tmp_path, "medi", example_articles())
    summary = import_orders(runner, tmp_path, example_lines())
    assert summary["stored"] == len(example_lines())
    return WEEKLY


@pytest.fixture
def hmc_client(app):
    """HMC staff logged in to the pages (the API accepts the same session)."""
    return page_client(app, "hmc", name="hmc1", csrf_header=True)
