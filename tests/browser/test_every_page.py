"""Every page in the menu opens in the browser for a person with its role, without console errors;
a screenshot of each is saved."""

from __future__ import annotations

from playwright.sync_api import expect

from catalog_service.web.navigation import MENU
from tests.browser.conftest import log_in, shoot
from tests.conftest import PASSWORD, make_person


def test_each_menu_page_renders_with_demo_data(app, runner, live_server, new_page):
    assert runner.invoke(args=["demo", "--password", PASSWORD]).exit_code == 0
    make_person(app, "admin1", ("admin",))
    page = new_page(live_server)
    problems = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    log_in(page, "admin1", PASSWORD)
    links = page.locator("nav a")
    labels = [links.nth(i).inner_text() for i in range(links.count())]
    endpoints = [endpoint for endpoint, _ in MENU if endpoint in app.view_functions]
    assert len(labels) == len(endpoints) >= 8  # admin sees every page that exists
    for number, label in enumerate(labels, start=1):
        page.locator("nav a", has_text=label).first.click()
        page.wait_for_load_state()
        expect(page.locator("h1")).to_be_visible()
        assert "Åtkomst nekad" not in page.content()
        shoot(page, f"page-{number:02d}-{page.url.split('/', 3)[3].split('?')[0].replace('/', '-') or 'overview'}")
    assert problems == []  # no script errors and no resource refused by the security policy
