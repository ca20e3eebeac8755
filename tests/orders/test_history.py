"""Order history, reorder drafts, purge and labels — by customer order number only."""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, date, datetime

import pytest
import time_machine
from sqlalchemy import func, select

from catalog_service.audit.models import AuditEntry
from catalog_service.demo.orders import HEADERS  # the WebSesam export layout
from catalog_service.extensions import db
from catalog_service.orders.models import OrderImport, OrderLine
from tests.conftest import bearer_client, make_token
from tests.factories import assortments as factory
from tests.factories import workbooks


def export(tmp_path, rows, name="orderrader.xlsx"):
    return workbooks.price_list(tmp_path, HEADERS, rows, name=name, sheet="Orderrader")


@pytest.fixture
def orders_loaded(app, runner, tmp_path):
    """A small contract, Medi published, and an export with three orders (one before contract start)."""
    factory.load_contract(app, factory.small_contract(tmp_path))
    factory.import_and_publish(app, tmp_path, "medi", factory.articles("medi", 3))
    published = factory.articles("medi", 3)
    rows = [
        ["KO-2600001", date(2026, 5, 4), "Medi", published[0].article_number, 2, "Nej", date(2026, 5, 8), None, ""],
        ["KO-2600001", date(2026, 5, 4), "Medi", "MD-UTGATT", 1, "Ja", None, None, "Provpar"],
        ["KO-2600002", date(2026, 6, 1), "Medi", published[1].article_number, 1, "Ja", None, None, ""],
        ["KO-2500009", date(2026, 3, 2), "Medi", published[2].article_number, 1, "Nej", None, None, ""],
    ]
    result = runner.invoke(args=["orders", "import", str(export(tmp_path, rows)), "--json", "--actor", "hmc1"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert (summary["stored"], summary["before_contract_start"]) == (3, 1)
    return published


@pytest.fixture
def hmc_client(app):
    return bearer_client(app, make_token(app, roles=("hmc",), name="hmc1"))


def test_history_by_order_number_shows_lines_and_expected_dates(app, orders_loaded, hmc_client):
    page = hmc_client.get("/api/v1/orders?kundordernummer=KO-2600001").get_json()
    assert page["total"] == 1
    (order,) = page["orders"]
    assert order["kundordernummer"] == "KO-2600001"
    standard, custom = sorted(order["lines"], key=lambda line: line["made_to_measure"])
    # ordered Monday 4 May 2026: 5 working days → Monday 11 May; 10 → Monday 18 May (Ascension Day 14 May)
    assert standard["expected_at_hmc"] == "2026-05-11" and standard["arrived_at_hmc"] == "2026-05-08"
    assert custom["expected_at_hmc"] == "2026-05-19"
    assert custom["expected_at_home"] > custom["expected_at_hmc"]


def test_history_by_date_range_is_paged_newest_first(app, orders_loaded, hmc_client):
    first = hmc_client.get("/api/v1/orders?from=2026-05-01&to=2026-12-31&per_page=1").get_json()
    assert first["total"] == 2 and [o["kundordernummer"] for o in first["orders"]] == ["KO-2600002"]
    second = hmc_client.get("/api/v1/orders?from=2026-05-01&to=2026-12-31&per_page=1&page=2").get_json()
    assert [o["kundordernummer"] for o in second["orders"]] == ["KO-2600001"]


def test_history_needs_a_person_with_a_role(app, orders_loaded, client):
    assert client.get("/api/v1/orders?kundordernummer=KO-2600001").status_code == 401
    eshop = bearer_client(app, make_token(app, eshop="medi"))
    assert eshop.get("/api/v1/orders?kundordernummer=KO-2600001").status_code == 403


def test_reorder_draft_splits_allowed_and_out_of_assortment_lines(app, orders_loaded, hmc_client):
    draft = hmc_client.post("/api/v1/orders/KO-2600001/reorder").get_json()
    (allowed,) = draft["allowed"]
    assert allowed["article_number"] == orders_loaded[0].article_number
    assert allowed["eshop"] == "Medi" and allowed["contract_price_sek"]
    (refused,) = draft["not_allowed"]
    assert refused["article_number"] == "MD-UTGATT" and refused["reason"] == "not_in_price_list"
    assert refused["out_of_assortment"]["path"] == "konsultation"
    assert hmc_client.post("/api/v1/orders/KO-9999999/reorder").status_code == 404


def test_purge_deletes_old_lines_and_exports_and_audits_counts_only(app, runner, tmp_path, orders_loaded):
    with time_machine.travel(datetime(2027, 2, 1, 12, tzinfo=UTC), tick=False):
        later = [["KO-2700001", date(2027, 1, 20), "Medi", orders_loaded[0].article_number, 1, "Nej", None, None, ""]]
        assert runner.invoke(args=["orders", "import", str(export(tmp_path, later, "senare.xlsx"))]).exit_code == 0
    result = runner.invoke(args=["orders", "purge", "--before", "2027-01-01", "--json", "--actor", "hmc1"])
    assert result.exit_code == 0, result.output
    counts = json.loads(result.stdout)
    assert (counts["lines"], counts["imports"], counts["files"]) == (3, 1, 1)
    with app.app_context():
        assert db.session.scalars(select(OrderLine.kundordernummer)).all() == ["KO-2700001"]
        assert db.session.scalar(select(func.count(OrderImport.id))) == 1
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "orders.purge")).one()
        assert set(entry.details) == {"before", "lines", "imports", "files"}


def test_labels_for_made_to_measure_lines_only(app, runner, tmp_path, orders_loaded):
    output = tmp_path / "etiketter.pdf"
    result = runner.invoke(
        args=["labels", "--kundordernummer", "KO-2600001", "--batch", "B-20260504", "-o", str(output)]
    )
    assert result.exit_code == 0, result.output
    assert output.read_bytes().startswith(b"%PDF")
    if subprocess.run(["which", "pdftotext"], capture_output=True).returncode == 0:
        text = subprocess.run(["pdftotext", str(output), "-"], capture_output=True, text=True).stdout
        assert "KO-2600001" in text and "MD-UTGATT" in text and "B-20260504" in text
        assert orders_loaded[0].article_number not in text  # the standard line gets no label
    other = runner.invoke(args=["labels", "--kundordernummer", "KO-2600002", "--batch", "B-1", "-o", str(output)])
    assert other.exit_code == 0
    bad_batch = runner.invoke(
        args=["labels", "--kundordernummer", "KO-2600002", "--batch", "Anna Svensson, Storgatan 1", "-o", str(output)]
    )
    assert bad_batch.exit_code == 1 and "Storgatan" not in bad_batch.output
    none = runner.invoke(args=["labels", "--kundordernummer", "KO-9999999", "--batch", "B-1", "-o", str(output)])
    assert none.exit_code == 1 and "finns inte" in none.stderr
