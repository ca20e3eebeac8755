"""The procurement officer's day in a real browser: log in, upload, watch the progress, map a colour,
and a second officer publishes version 1. Every page visited is saved as a screenshot."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import log_in, log_out, shoot
from tests.conftest import PASSWORD, make_person


def allowed_count(page) -> int:
    return int(page.locator('[data-count="allowed"]').inner_text())


def test_upload_map_a_colour_and_publish_version_1(app, live_server, new_page, sample_contract, samples):
    make_person(app, "upphandlare1", ("upphandlare",))
    make_person(app, "upphandlare2", ("upphandlare",))
    page = new_page(live_server)

    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login\?next=/$"))  # anonymous: to the login page
    shoot(page, "01-login")
    log_in(page, "upphandlare1", PASSWORD)
    expect(page.get_by_role("heading", name="Start", exact=True)).to_be_visible()  # every role lands there
    page.locator("nav").get_by_role("link", name="Översikt").click()
    expect(page.get_by_role("heading", name="Översikt")).to_be_visible()
    shoot(page, "02-overview-before")

    page.get_by_role("link", name="Ladda upp prislista").click()
    page.get_by_label("Leverantör").select_option("rama")
    page.get_by_label("Prislista (.xlsx").set_input_files(str(samples / "rama-prislista-2026.xlsx"))
    shoot(page, "03-upload")
    page.get_by_role("button", name="Ladda upp och läs in").click()
    page.wait_for_url(re.compile(r"/pricelists/jobs/\d+$"))
    progress = page.locator("#job-progress")
    expect(progress).to_be_visible()
    # (the value attribute reflects the bar's value; the pages' CSP forbids evaluating test scripts)
    expect(progress).to_have_attribute("value", "100", timeout=30_000)  # a loaded CI machine starts the job slowly
    expect(page.locator("#job-text")).to_contain_text(re.compile(r"2\s?690 av 2\s?690 rader \(100 %\)"))
    shoot(page, "04-progress-100")

    page.wait_for_url(re.compile(r"/pricelists/\d+$"))  # the script opens the result
    expect(page.get_by_text("summan stämmer")).to_be_visible()
    before = allowed_count(page)
    assert before == 534
    shoot(page, "05-import-result")
    row = page.locator('tr[data-colour="Hudfarg"]')
    row.get_by_label("Basfärg").select_option("Beige")
    row.get_by_role("button", name="Koppla").click()
    expect(page.get_by_role("status").filter(has_text="Hudfarg")).to_be_visible()
    assert allowed_count(page) == before + 1
    expect(page.locator('tr[data-colour="Hudfarg"]')).to_have_count(0)
    shoot(page, "06-colour-mapped")

    page.goto("/review/rama")
    page.get_by_role("button", name=re.compile("Publicera")).click()
    expect(page.get_by_text(re.compile("annan person"))).to_be_visible()  # four-eyes, as a plain message
    shoot(page, "07-review-four-eyes")
    log_out(page)

    log_in(page, "upphandlare2", PASSWORD)
    page.goto("/review/rama")
    shoot(page, "08-review")
    page.get_by_role("button", name=re.compile("Publicera")).click()
    expect(page.get_by_text(re.compile("Version 1 publicerad"))).to_be_visible()
    shoot(page, "09-versions")
    page.goto("/")
    expect(page.locator("#supplier-rama")).to_contain_text("Version 1")
    shoot(page, "10-overview-published")
