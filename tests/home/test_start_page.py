"""The start page per role, what waits there, and the tasks each role does in the browser besides it:
contract load, order import, work-order list, reorder ("Beställ igen"), e-shop tokens."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from sqlalchemy import func, select

from catalog_service.contracts.models import Contract
from catalog_service.extensions import db
from catalog_service.home.service import eshops_behind
from catalog_service.orders.models import OrderLine
from tests.conftest import bearer_client, csrf_from, login, make_person, make_token, page_client
from tests.factories import assortments as factory
from tests.orders.test_history import export, orders_loaded  # noqa: F401 (a fixture)

PERSONNUMMER = "19121212-1212"


def post_file(client, url: str, path, *, field: str = "file", page: str = "/start", **form):
    body = {**form, "csrf_token": csrf_from(client.get(page).text)}
    if path is not None:
        body[field] = (io.BytesIO(path.read_bytes()), path.name)
    return client.post(url, data=body, content_type="multipart/form-data")


@pytest.mark.parametrize("role", ["upphandlare", "hmc", "forskrivare", "admin"])
def test_every_role_lands_on_its_start_page_after_login(app, client, role):
    make_person(app, f"{role}1", (role,))
    response = login(client, f"{role}1")
    assert response.status_code == 302 and response.headers["Location"] == "/start"
    page = client.get("/start")
    assert page.status_code == 200 and "<h1>Start</h1>" in page.text


def test_the_start_page_lists_what_waits_for_each_role(app, tmp_path):
    factory.load_contract(app, factory.small_contract(tmp_path))
    factory.import_draft(app, factory.write_price_list(tmp_path, "juzo", factory.articles("juzo", 3)), "juzo")
    officer = page_client(app, "upphandlare", name="upphandlare1").get("/start").text
    assert 'id="drafts"' in officer and "/review/juzo" in officer and "din egen inläsning" in officer
    assert 'id="eshops-behind"' in officer and 'id="queue"' not in officer
    hmc = page_client(app, "hmc", name="hmc1").get("/start").text
    assert 'id="queue"' in hmc and 'id="overdue-work-orders"' in hmc and 'id="drafts"' not in hmc
    prescriber = page_client(app, "forskrivare", name="forskrivare1").get("/start").text
    assert 'id="own-requests"' in prescriber and 'id="queue"' not in prescriber
    assert "/orders" in prescriber and "/requests/new" in prescriber and "/orders/delivery" not in prescriber


def test_eshops_behind_lists_live_tokens_that_have_not_fetched_the_current_version(app, tmp_path):
    factory.load_contract(app, factory.small_contract(tmp_path))
    factory.import_and_publish(app, tmp_path, "medi", factory.articles("medi", 2))
    fetching = bearer_client(app, make_token(app, eshop="medi"))
    make_token(app, eshop="medi")  # never fetches
    make_token(app, eshop="juzo")  # Juzo has nothing published: nothing to fetch
    with app.app_context():
        assert [(s["supplier"], s["last_fetch_at"]) for s in eshops_behind(db.session)] == [("medi", None)] * 2
    assert fetching.get("/api/v1/feeds/medi").status_code == 200
    with app.app_context():
        (behind,) = eshops_behind(db.session)
    assert behind["supplier"] == "medi" and behind["current_version"] == 1 and behind["fetched_version"] is None


def test_the_contract_is_loaded_in_the_browser_with_the_cli_checks(app, tmp_path, samples):
    officer = page_client(app, "upphandlare", name="upphandlare1")
    page = officer.get("/contract").text
    assert 'action="/contract/load"' in page
    broken = tmp_path / "inte-ett-avtal.xlsx"
    broken.write_bytes(b"not a workbook")
    refused = post_file(officer, "/contract/load", broken, page="/contract")
    assert refused.status_code in (415, 422) and 'class="error"' in refused.text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Contract)) == 0  # nothing written
    loaded = post_file(officer, "/contract/load", samples / "avtal-kompression-2026.xlsx", page="/contract")
    assert loaded.status_code == 303
    shown = officer.get("/contract").text
    assert "Avtalet är inläst:" in shown and "avtal-kompression-2026.xlsx" in shown
    hmc = page_client(app, "hmc", name="hmc1")
    assert 'action="/contract/load"' not in hmc.get("/contract").text  # HMC reads the contract, never loads it
    assert (
        post_file(hmc, "/contract/load", samples / "avtal-kompression-2026.xlsx", page="/contract").status_code == 403
    )


def test_order_import_in_the_browser_names_where_personal_data_is_and_never_the_value(app, tmp_path):
    factory.load_contract(app, factory.small_contract(tmp_path))
    rows = [
        ["KO-2600001", date(2026, 5, 4), "Medi", "MED-0001", 2, "Nej", None, None, ""],
        ["KO-2600002", date(2026, 5, 5), "Medi", "MED-0002", 1, "Nej", None, None, f"Patient {PERSONNUMMER}"],
    ]
    hmc = page_client(app, "hmc", name="hmc1")
    refused = post_file(hmc, "/orders/import", export(tmp_path, rows, name="med-pnr.xlsx"), page="/orders/import")
    assert refused.status_code == 422
    assert re.search(
        r"<td>Orderrader</td><td class=\"num\">3</td>\s*<td>Kommentar</td><td>personnummer</td>", refused.text
    )
    assert PERSONNUMMER not in refused.text and "ingenting sparades" in refused.text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(OrderLine)) == 0
    stored = post_file(hmc, "/orders/import", export(tmp_path, rows[:1]), page="/orders/import")
    assert stored.status_code == 201 and "1 sparade" in stored.text
    assert page_client(app, "forskrivare", name="f1").get("/orders/import").status_code == 403


def test_reorder_page_shows_orderable_lines_and_a_prefilled_consultation(app, orders_loaded):  # noqa: F811
    prescriber = page_client(app, "forskrivare", name="forskrivare1")
    history = prescriber.get("/orders?kundordernummer=KO-2600001").text
    assert 'action="/orders/KO-2600001/reorder" class="inline"' in history and "Beställ igen" in history
    assert "Skriv ut etiketter" not in history and "/orders/delivery" not in history  # not the prescriber's
    page = prescriber.get("/orders/KO-2600001/reorder")
    assert page.status_code == 200
    orderable = page.text.split('id="orderable"')[1].split('id="not-orderable"')[0]
    assert orders_loaded[0].article_number in orderable and "<td>Medi</td>" in orderable and "450,00" in orderable
    rest = page.text.split('id="not-orderable"')[1]
    assert "MD-UTGATT" in rest and "finns inte i leverantörens prislista" in rest
    assert 'name="article_number" value="MD-UTGATT"' in rest and 'value="no_longer_orderable" selected' in rest
    assert prescriber.get("/orders/KO-9999999/reorder").status_code == 404
    assert prescriber.get(f"/orders/{PERSONNUMMER}/reorder").status_code == 404


def test_the_work_order_list_and_the_queue_keep_requests_with_a_work_order_under_way(app, sample_contract):
    from catalog_service.requests.service import approve, send_for_cost_approval, start_review, submit_request

    with app.app_context():
        data = {
            "kundordernummer": "KO-2612345",
            "supplier": "juzo",
            "model": "Dynamic Max",
            "description": "Längd utöver upphandlade storlekar",
            "reason": "measurements_outside_sizes",
            "urgency": "normal",
            "unit_code": "VGR-1234",
        }
        number = submit_request(db.session, data, actor="forskrivare1", roles={"forskrivare"}).request.number
        for step in (start_review, send_for_cost_approval):
            step(db.session, number, actor="hmc1", roles={"hmc"})
        approve(
            db.session,
            number,
            actor="hmc1",
            roles={"hmc"},
            cost_estimate_sek="1850",
            cost_unit_code="VGR-1234",
            made_to_measure=True,
        )
        db.session.commit()
    hmc = page_client(app, "hmc", name="hmc1")
    listing = hmc.get("/work-orders")
    assert listing.status_code == 200 and re.search(r"AO-\d{4}-000001", listing.text) and number in listing.text
    assert number in hmc.get("/requests").text  # the queue's default shows it while its work order runs
    assert page_client(app, "upphandlare", name="u1").get("/work-orders").status_code == 403


def test_the_procurement_officer_creates_and_revokes_eshop_tokens_but_never_sees_peoples(app, sample_contract):
    make_token(app, roles=("hmc",), name="api-person")
    officer = page_client(app, "upphandlare", name="upphandlare1")
    page = officer.get("/tokens")
    assert page.status_code == 200 and "Person" not in page.text
    created = officer.post("/tokens", data={"supplier": "juzo", "csrf_token": csrf_from(page.text)})
    assert created.status_code == 201
    raw = re.search(r"Den visas inte igen.</p>\s*<p><code>([^<]+)</code>", created.text).group(1)
    assert bearer_client(app, raw).get("/api/v1/feeds/juzo").status_code in (200, 404)  # the token works
    with app.app_context():
        from catalog_service.auth.models import ApiToken, TokenKind

        person = db.session.scalar(select(ApiToken).where(ApiToken.kind == TokenKind.user))
        eshop = db.session.scalar(select(ApiToken).where(ApiToken.kind == TokenKind.eshop))
    token = csrf_from(officer.get("/tokens").text)
    assert officer.post(f"/tokens/{person.id}/revoke", data={"csrf_token": token}).status_code == 404
    assert officer.post(f"/tokens/{eshop.id}/revoke", data={"csrf_token": token}).status_code == 302
    assert bearer_client(app, raw).get("/api/v1/feeds/juzo").status_code == 401


def test_no_task_label_contains_a_menu_label():
    from catalog_service.home.views import READ_ONLY_LABELS, TASKS
    from catalog_service.web.navigation import MENU

    labels = [task for _, task in TASKS] + [task for _, task in READ_ONLY_LABELS.values()]
    assert [(task, item) for task in labels for _, item in MENU if item.lower() in task.lower()] == []


@pytest.mark.parametrize(("role", "acts"), [("upphandlare", True), ("hmc", False)])
def test_tasks_promise_loading_and_publishing_only_to_those_who_may(app, role, acts):
    page = page_client(app, role, name=f"{role}1").get("/start").text
    assert ("Publicering och återställning av sortimentet" in page) is acts
    assert ("Vad som har publicerats och när" in page) is not acts
    assert ("Läs in upphandlingens modeller, basfärger och priser" in page) is acts
    assert ("Upphandlingens modeller, basfärger och priser" in page) is not acts
