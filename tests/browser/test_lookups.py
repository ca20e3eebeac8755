"""Lookups typed in the browser: only a validated number ever reaches a URL (issue 13, item 5)."""

from __future__ import annotations

import logging

from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.conftest import PASSWORD, make_person

PLANTED = "19121212-1212"


def test_a_personal_identity_number_typed_in_a_lookup_never_reaches_a_url(app, live_server, new_page, caplog):
    make_person(app, "forskrivare1", ("forskrivare",))
    caplog.set_level(logging.INFO)
    page = new_page(live_server)
    urls = []
    page.on("request", lambda request: urls.append(request.url))
    page.on("framenavigated", lambda frame: urls.append(frame.url))
    log_in(page, "forskrivare1", PASSWORD)

    page.goto("/orders")
    page.get_by_label("Kundordernummer").fill(PLANTED)
    page.get_by_role("button", name="Sök").click()
    expect(page.get_by_role("alert")).to_contain_text("Kundordernumret har fel form")
    assert PLANTED not in page.content()
    page.get_by_label("Kundordernummer").fill("KO-2600001")
    page.get_by_role("button", name="Sök").click()
    page.wait_for_url("**/orders?kundordernummer=KO-2600001")

    page.goto("/requests/lookup")
    page.get_by_label("Ärendenummer eller kundordernummer").fill(PLANTED)
    page.get_by_role("button", name="Sök").click()
    expect(page.get_by_role("alert")).to_contain_text("Sök på ett ärendenummer")
    page.get_by_label("Ärendenummer eller kundordernummer").fill("KO-2600001")
    page.get_by_role("button", name="Sök").click()
    page.wait_for_url("**/requests/lookup?q=KO-2600001")

    assert urls and not [url for url in urls if PLANTED in url or "19121212" in url]
    # nor an access-log line (the live server runs in this process: its log records are captured)
    from catalog_service.logs import JsonLines

    lines = [JsonLines().format(record) for record in caplog.records]
    assert any('"path": "/orders"' in line for line in lines)
    assert not [line for line in lines if "19121212" in line]
