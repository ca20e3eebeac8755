"""Each role's tasks in a real browser, from login to result, by clicks and typing only (issue 13's acceptance):

- upphandlare: load the contract, upload a 15,000-row list and see intermediate progress, map an unknown colour
  from the review page, a second person publishes, an e-shop token is created and its feed fetched;
- hmc: import the order export (refused with the place of the personal data, then stored), take a request through
  to a work order, print a label sheet (read back with pdftotext), decide a stock item from the stock list;
- forskrivare: a request refused for a personal identity number keeps the other fields, order history by
  customer order number, "Beställ igen" and the reorder page.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from datetime import date

import pytest
from playwright.sync_api import expect

from catalog_service.extensions import db
from tests.browser.conftest import log_in, log_out, shoot
from tests.browser.test_consultation_flow import step
from tests.conftest import PASSWORD, make_person
from tests.factories import assortments as factory

PERSONNUMMER = "19121212-1212"
CONTRACT_START = date(2026, 5, 1)


def test_upphandlare_contract_upload_progress_colour_publish_and_token(
    app, live_server, new_page, samples, monkeypatch
):
    # The worker runs in this process: each progress step is held a moment, as on a busy server, so the page's
    # polls (every 300 ms) see the steps between 0 and 100 % however fast this machine judges 15,000 rows.
    from catalog_service.pricelists import jobs

    write = jobs.ProgressWriter.__call__

    def slow_write(self, done, expected):
        write(self, done, expected)
        time.sleep(0.15)

    monkeypatch.setattr(jobs.ProgressWriter, "__call__", slow_write)
    make_person(app, "upphandlare1", ("upphandlare",))
    make_person(app, "upphandlare2", ("upphandlare",))
    page = new_page(live_server)
    log_in(page, "upphandlare1", PASSWORD)
    expect(page.get_by_role("heading", name="Start", exact=True)).to_be_visible()

    page.locator("nav").get_by_role("link", name="Avtal").click()
    page.get_by_label("Avtalsfil (.xlsx)").set_input_files(str(samples / "avtal-kompression-2026.xlsx"))
    page.get_by_role("button", name="Läs in avtalet").click()
    expect(page.get_by_role("status").filter(has_text="Avtalet är inläst")).to_be_visible()
    shoot(page, "walk-upphandlare-01-contract")

    page.locator("nav").get_by_role("link", name="Ladda upp prislista").click()
    page.get_by_label("Leverantör").select_option("juzo")
    page.get_by_label("Prislista (").set_input_files(str(samples / "juzo-preisliste-2026.xlsx"))
    page.get_by_role("button", name="Ladda upp och läs in").click()
    page.wait_for_url(re.compile(r"/pricelists/jobs/\d+$"))
    seen = set()
    while re.search(r"/pricelists/jobs/\d+$", page.url):
        try:
            seen.add(page.locator("#job-text").text_content(timeout=1000) or "")
        except Exception:  # the script opened the result page meanwhile
            break
        page.wait_for_timeout(50)
    page.wait_for_url(re.compile(r"/pricelists/\d+$"))
    between = {int(p) for text in seen for p in re.findall(r"\((\d+) %\)", text) if 0 < int(p) < 100}
    assert between, seen  # the bar showed rows read and judged on the way, not only 0 and 100 %
    expect(page.get_by_text("summan stämmer")).to_be_visible()

    page.locator("nav").get_by_role("link", name="Start").click()
    page.get_by_role("link", name="Granska Juzo").click()
    colours = page.locator("#review-unknown-colours tbody tr")
    count = colours.count()
    assert count >= 1
    value = colours.first.get_attribute("data-colour")
    colours.first.get_by_label("Basfärg").select_option(index=0)
    colours.first.get_by_role("button", name="Koppla").click()
    expect(page.get_by_role("status").filter(has_text=value)).to_be_visible()
    expect(page.locator("#review-unknown-colours tbody tr")).to_have_count(count - 1)
    assert "/review/juzo" in page.url  # answered on the review page itself
    shoot(page, "walk-upphandlare-02-review-colour-mapped")
    log_out(page)

    log_in(page, "upphandlare2", PASSWORD)
    page.get_by_role("link", name="Granska Juzo").click()
    page.get_by_role("button", name=re.compile("Publicera som version 1")).click()
    expect(page.get_by_text(re.compile("Version 1 publicerad"))).to_be_visible()

    page.locator("nav").get_by_role("link", name="E-butikstoken").click()
    page.get_by_label("Leverantör").select_option("juzo")
    page.get_by_role("button", name="Skapa token").click()
    token = page.locator("section.ok code").inner_text().strip()
    shoot(page, "walk-upphandlare-03-token")
    feed = page.request.get(f"{live_server}/api/v1/feeds/juzo", headers={"Authorization": f"Bearer {token}"})
    assert feed.status == 200 and feed.json()["version"] == 1 and feed.json()["items"]
    page.locator("nav").get_by_role("link", name="Start").click()
    expect(page.locator("#eshops-behind")).to_contain_text("Alla e-butiker har hämtat den aktuella versionen")


def _orders(path) -> list[tuple]:
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True)
    rows = list(book["Orderrader"].iter_rows(min_row=2, values_only=True))
    book.close()
    return [row for row in rows if row[1] and row[1].date() >= CONTRACT_START]


@pytest.fixture
def rama_published(app, samples, sample_contract):
    factory.import_draft(app, samples / "rama-prislista-2026.xlsx", "rama")
    factory.publish(app, "rama")


def test_hmc_order_import_request_to_work_order_labels_and_stock(
    app, live_server, new_page, samples, blanked_export, rama_published, tmp_path
):
    from catalog_service.requests.service import submit_request

    with app.app_context():
        asked = {
            "kundordernummer": "KO-2612345",
            "supplier": "juzo",
            "model": "Dynamic Max",
            "description": "Platt stickad strumpa i längd utöver upphandlade storlekar",
            "reason": "measurements_outside_sizes",
            "urgency": "normal",
            "unit_code": "VGR-1234",
        }
        number = submit_request(db.session, asked, actor="forskrivare1", roles={"forskrivare"}).request.number
        db.session.commit()
    make_person(app, "hmc1", ("hmc",))
    page = new_page(live_server)
    log_in(page, "hmc1", PASSWORD)
    expect(page.get_by_role("heading", name="Start", exact=True)).to_be_visible()

    page.get_by_role("link", name="Läs in orderrader från WebSesam").click()
    page.get_by_label("Orderexport (.xlsx)").set_input_files(str(samples / "websesam-orderrader.xlsx"))
    page.get_by_role("button", name="Läs in orderrader").click()
    refused = page.locator("#order-import-refused")
    expect(refused).to_contain_text("ingenting sparades")
    expect(refused.locator("tbody tr").first).to_contain_text("Kommentar")
    assert "Granbacken" not in page.content() and "@example.com" not in page.content()  # never the value
    shoot(page, "walk-hmc-01-order-import-refused")
    page.get_by_label("Orderexport (.xlsx)").set_input_files(str(blanked_export))
    page.get_by_role("button", name="Läs in orderrader").click()
    expect(page.locator("#order-import-result")).to_contain_text("sparade")

    page.locator("nav").get_by_role("link", name="Start").click()
    page.locator("#queue").get_by_role("link", name=number).click()
    step(page, "Påbörja handläggning", "Inget upphandlat alternativ passar måtten.")
    step(page, "Skicka för kostnadsgodkännande")
    approve = page.locator("form.action", has=page.get_by_role("button", name="Registrera kostnadsgodkännande"))
    approve.get_by_label("Kostnad (kr)").fill("1850,00")
    approve.get_by_label("Måttsydd").check()
    approve.get_by_role("button", name="Registrera kostnadsgodkännande").click()
    page.wait_for_load_state()
    page.locator("nav").get_by_role("link", name="Arbetsordrar").click()
    page.locator("#work-orders").get_by_role("link", name=re.compile(r"AO-\d{4}-000001")).click()
    step(page, "Beställ")
    expect(page.get_by_text("beställd").first).to_be_visible()
    shoot(page, "walk-hmc-02-work-order")

    made_to_measure = next(row[0] for row in _orders(blanked_export) if row[5] == "Ja")
    page.locator("nav").get_by_role("link", name="Ordrar", exact=True).click()
    page.get_by_label("Kundordernummer").fill(made_to_measure)
    page.get_by_role("button", name="Sök").click()
    page.get_by_label("Batchnummer").first.fill("B-20260504")
    with page.expect_download() as download:
        page.get_by_role("button", name="Skriv ut etiketter").first.click()
    pdf = tmp_path / "etiketter.pdf"
    download.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF-")
    if shutil.which("pdftotext"):  # Debian poppler-utils (.ci/run installs it) reads the labels back
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        assert made_to_measure in text and "B-20260504" in text

    page.locator("nav").get_by_role("link", name="Lagerartiklar").click()
    page.locator("#articles tbody a").first.click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.get_by_label("Motivering", exact=False).fill("Beställs varje vecka")
    page.get_by_role("button", name="Spara beslut").click()
    expect(page.get_by_text(re.compile("sparat", re.I)).first).to_be_visible()
    shoot(page, "walk-hmc-03-stock-decision")


def test_forskrivare_request_refused_then_history_and_reorder(
    app, live_server, new_page, blanked_export, rama_published
):
    from catalog_service.orders.service import import_orders

    with app.app_context():
        import_orders(db.session, blanked_export, actor="hmc1")
        db.session.commit()
    order = next(row[0] for row in _orders(blanked_export) if row[2] == "Rama")
    make_person(app, "forskrivare1", ("forskrivare",))
    page = new_page(live_server)
    log_in(page, "forskrivare1", PASSWORD)
    expect(page.get_by_role("heading", name="Start", exact=True)).to_be_visible()
    assert "Åtkomst nekad" not in page.content()

    page.locator("nav").get_by_role("link", name="Ny konsultation").click()
    page.get_by_label("Kundordernummer").fill("KO-2612345")
    page.get_by_label("Leverantör").select_option("juzo")
    page.get_by_label("och/eller modell").fill("Dynamic Max")
    page.get_by_label("Kort beskrivning av behovet").fill(f"Till patient {PERSONNUMMER}, längre strumpa")
    page.get_by_label("Förskrivande enhetens kod").fill("VGR-1234")
    page.get_by_role("button", name="Skicka").click()
    expect(page.get_by_role("alert")).to_contain_text("personnummer")
    assert PERSONNUMMER not in page.content()
    expect(page.get_by_label("Kundordernummer")).to_have_value("KO-2612345")  # the other fields are kept
    expect(page.get_by_label("och/eller modell")).to_have_value("Dynamic Max")
    expect(page.get_by_label("Förskrivande enhetens kod")).to_have_value("VGR-1234")
    shoot(page, "walk-forskrivare-01-refused")
    page.get_by_label("Kort beskrivning av behovet").fill("Längre strumpa än de upphandlade storlekarna")
    page.get_by_role("button", name="Skicka").click()
    expect(page.get_by_role("heading", name=re.compile(r"Konsultation KONS-\d{4}-000001"))).to_be_visible()

    page.locator("nav").get_by_role("link", name="Ordrar", exact=True).click()
    page.get_by_label("Kundordernummer").fill(order)
    page.get_by_role("button", name="Sök").click()
    expect(page.get_by_role("heading", name=f"Order {order}")).to_be_visible()
    assert page.url.endswith(f"/orders?kundordernummer={order}")
    page.get_by_role("button", name="Beställ igen").first.click()
    expect(page.get_by_role("heading", name=f"Beställ igen: order {order}")).to_be_visible()
    expect(page.locator("#orderable")).to_be_visible()
    assert re.search(r"/orders/KO-\d{7}/reorder$", page.url)
    shoot(page, "walk-forskrivare-02-reorder")
