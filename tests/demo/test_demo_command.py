"""`catalog demo` loads the generated contract and four drafts; running it twice adds nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from catalog_service.audit.models import AuditEntry
from catalog_service.contracts.models import Contract
from catalog_service.extensions import db
from catalog_service.orders.models import OrderLine
from catalog_service.pricelists.models import ImportStatus, PriceListImport, PriceListRow
from tests.conftest import login


def test_demo_loads_contract_and_four_drafts_once(runner, app):
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    with app.app_context():
        drafts = db.session.scalars(select(PriceListImport)).all()
        assert sorted(d.supplier for d in drafts) == ["essity", "juzo", "medi", "rama"]
        assert all(d.status is ImportStatus.draft for d in drafts)
        assert all(d.allowed > 0 and d.allowed + sum(d.excluded.values()) == d.data_rows for d in drafts)
        assert all(d.unknown_colours for d in drafts)
        rows = db.session.scalar(select(func.count(PriceListRow.id)))
        orders = db.session.scalar(select(func.count(OrderLine.id)))
        actions = db.session.scalars(select(AuditEntry.action)).all()
        assert actions.count("pricelist.import") == 4 and actions.count("contract.load") == 1

    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0, second.output
    assert "unchanged" in second.stderr
    with app.app_context():
        assert db.session.scalar(select(func.count(PriceListImport.id))) == 4
        assert db.session.scalar(select(func.count(PriceListRow.id))) == rows
        assert db.session.scalar(select(func.count(Contract.id))) == 1
        assert db.session.scalar(select(func.count(OrderLine.id))) == orders


def test_demo_orders_are_imported_once_without_personal_data(runner, app):
    assert runner.invoke(args=["demo"]).exit_code == 0
    with app.app_context():
        lines = db.session.scalars(select(OrderLine)).all()
        assert len(lines) == 80
        assert all(line.kundordernummer.startswith("KO-") for line in lines)
        assert any(line.made_to_measure for line in lines) and any(not line.made_to_measure for line in lines)


def test_overview_page_shows_each_supplier_in_swedish(app, runner):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0
    assert "lösenord: demo-2026" in result.stderr
    client = app.test_client()
    assert login(client, "upphandlare1", "demo-2026").status_code == 302  # a demo person logs in
    assert login(app.test_client(), "hmc1", "fel").status_code == 401
    page = client.get("/")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert '<html lang="sv">' in text
    for name in ("Essity", "Juzo", "Medi", "Rama"):
        assert name in text
    assert "utkast" in text


def test_openpyxl_runs_with_defusedxml():
    from openpyxl.xml import DEFUSEDXML

    assert DEFUSEDXML is True
