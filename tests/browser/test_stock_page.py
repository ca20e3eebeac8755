"""HMC's stock page in the browser: the Pareto curve, the ABC × XYZ matrix and an article's weekly demand."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import func, select

from catalog_service.extensions import db
from catalog_service.orders.models import OrderLine
from tests.browser.conftest import log_in, shoot
from tests.conftest import PASSWORD, make_person


def test_stock_page_shows_its_charts(app, runner, live_server, new_page):
    assert runner.invoke(args=["demo", "--password", PASSWORD]).exit_code == 0
    make_person(app, "hmc-lager", ("hmc",))
    page = new_page(live_server)
    log_in(page, "hmc-lager", PASSWORD)
    page.get_by_role("link", name="Lagerartiklar").click()
    pareto = page.locator("#pareto svg")
    expect(pareto).to_be_visible()
    box = pareto.bounding_box()
    assert box["width"] > 300 and box["height"] > 150  # drawn, not an empty element
    expect(page.locator("#pareto svg .line, #pareto svg path").first).to_be_attached()
    expect(page.locator("#abc-xyz")).to_be_visible()
    shoot(page, "stock-01-overview")
    with app.app_context():  # the article ordered most often in the demo orders
        line = db.session.execute(
            select(OrderLine.supplier, OrderLine.article_number)
            .group_by(OrderLine.supplier, OrderLine.article_number)
            .order_by(func.count().desc(), OrderLine.article_number)
            .limit(1)
        ).one()
    page.goto(f"/stock/{line.supplier}/{line.article_number}")
    weekly = page.locator("#weekly svg")
    expect(weekly).to_be_visible()
    assert weekly.bounding_box()["width"] > 300
    shoot(page, "stock-02-article")
