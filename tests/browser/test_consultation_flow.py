"""Out of assortment in the browser: a prescriber asks, HMC reviews and sends for cost approval,
the approval makes the work order, and the work order reaches HMC. Screenshots of each step."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import log_in, log_out, shoot
from tests.conftest import PASSWORD, make_person


def step(page, button: str, comment: str = "") -> None:
    form = page.locator("form.action", has=page.get_by_role("button", name=button, exact=True))
    if comment:
        form.get_by_label("Kommentar").fill(comment)
    form.get_by_role("button", name=button, exact=True).click()
    page.wait_for_load_state()


def test_prescriber_to_work_order_received_at_hmc(app, live_server, new_page, sample_contract):
    make_person(app, "forskrivare1", ("forskrivare",))
    make_person(app, "hmc1", ("hmc",))
    page = new_page(live_server)

    log_in(page, "forskrivare1", PASSWORD)
    page.get_by_role("link", name="Ny konsultation").click()
    page.get_by_label("Kundordernummer").fill("KO-2612345")
    page.get_by_label("Leverantör").select_option("juzo")
    page.get_by_label("och/eller modell").fill("Dynamic Max")
    page.get_by_label("Kort beskrivning av behovet").fill("Platt stickad strumpa i längd utöver upphandlade storlekar")
    page.get_by_label("Skäl").select_option("measurements_outside_sizes")
    page.get_by_label("Förskrivande enhetens kod").fill("VGR-1234")
    shoot(page, "consultation-01-form")
    page.get_by_role("button", name="Skicka").click()
    expect(page.get_by_role("heading", name=re.compile(r"Konsultation KONS-\d{4}-000001"))).to_be_visible()
    expect(page.get_by_text("inskickad").first).to_be_visible()
    number = page.get_by_role("heading").first.inner_text().split()[-1]
    shoot(page, "consultation-02-submitted")
    log_out(page)

    log_in(page, "hmc1", PASSWORD)
    page.get_by_role("link", name="Konsultationer").click()
    shoot(page, "consultation-03-queue")
    page.get_by_role("link", name=number).click()
    step(page, "Påbörja handläggning", "Inget upphandlat alternativ passar måtten.")
    expect(page.get_by_text("under handläggning").first).to_be_visible()
    step(page, "Skicka för kostnadsgodkännande")
    expect(page.get_by_text("väntar på kostnadsgodkännande").first).to_be_visible()
    approve = page.locator("form.action", has=page.get_by_role("button", name="Registrera kostnadsgodkännande"))
    approve.get_by_label("Kostnad (kr)").fill("1850,00")
    approve.get_by_label("Måttsydd").check()
    shoot(page, "consultation-04-cost-approval")
    approve.get_by_role("button", name="Registrera kostnadsgodkännande").click()
    page.wait_for_load_state()
    expect(page.locator("ol.timeline")).to_contain_text("registrerade kostnadsgodkännandet")
    page.get_by_role("link", name=re.compile(r"AO-\d{4}-000001")).click()
    expect(page.get_by_role("heading", name=re.compile(r"Arbetsorder AO-"))).to_be_visible()
    step(page, "Beställ")
    step(page, "Registrera ankomst till HMC")
    expect(page.get_by_text("ankommen till HMC").first).to_be_visible()
    shoot(page, "consultation-05-work-order-received")
    page.goto(f"/requests/{number}")
    shoot(page, "consultation-06-timeline")
    with app.app_context():
        from catalog_service.extensions import db
        from catalog_service.requests.models import WorkOrder

        order = db.session.query(WorkOrder).one()
        assert order.status.value == "received_at_hmc"
