"""The supplier delivery report (figures, API, page with chart) and the order pages with their label button."""

from __future__ import annotations

import json
import logging
from datetime import UTC, date, datetime

import pytest
import time_machine

from catalog_service.extensions import db
from catalog_service.orders import views
from catalog_service.orders.delivery import delivery_report
from catalog_service.orders.leadtime import add_working_days
from tests.conftest import bearer_client, csrf_from, make_token, page_client
from tests.factories import assortments as factory
from tests.helpers import urls_and_log_lines
from tests.orders.test_history import export

TODAY = date(2026, 6, 15)  # a Monday
AT_NOON_TODAY = datetime(2026, 6, 15, 10, tzinfo=UTC)  # 12:00 in Stockholm
PERSONAL = "Anna Svensson, Storgatan 1"

# Kundordernummer, Orderdatum, Leverantör, Artikelnummer, Antal, Måttsydd, Ankomst HMC, Levererad, Kommentar.
# Working days from the order date to arrival at HMC in the comments; Ascension Day is Thursday 14 May 2026.


@pytest.fixture
def client(app):
    """The pages need a logged-in person: HMC staff who also follow up deliveries."""
    return page_client(app, "hmc", "upphandlare", name="hmc1")


def post_form(client, url: str, data: dict):
    """A form post as the page sends it, with the session's CSRF token."""
    return client.post(url, data={**data, "csrf_token": csrf_from(client.get("/orders").text)})


ROWS = [
    # Medi, May: 6 lines, 4 arrived (4, 5, 6, 14 working days), 2 within, 1 overdue now
    ["KO-2600101", date(2026, 5, 4), "Medi", "MD-1001", 2, "Nej", date(2026, 5, 8), date(2026, 5, 11), ""],  # 4, within
    ["KO-2600102", date(2026, 5, 11), "Medi", "MD-1002", 1, "Nej", date(2026, 5, 19), None, ""],  # 5 (holiday), within
    ["KO-2600103", date(2026, 5, 11), "Medi", "MD-1003", 1, "Nej", date(2026, 5, 20), None, ""],  # 6, late
    ["KO-2600104", date(2026, 5, 4), "Medi", "MD-2001", 1, "Ja", date(2026, 5, 25), None, ""],  # 14 of 10, late
    ["KO-2600104", date(2026, 5, 4), "Medi", "MD-1004", 1, "Nej", date(2026, 5, 8), None, ""],  # 4, within
    ["KO-2600105", date(2026, 5, 25), "Medi", "MD-1005", 1, "Nej", None, None, ""],  # due 1 June: overdue
    # delivered home, arrival date at HMC missing: neither arrived (no date to measure) nor overdue
    ["KO-2600106", date(2026, 5, 25), "Medi", "MD-1006", 1, "Nej", None, date(2026, 6, 3), ""],
    # Medi, June: nothing arrived, nothing overdue yet
    ["KO-2600107", date(2026, 6, 8), "Medi", "MD-1007", 1, "Nej", None, None, ""],  # due today, 15 June: not overdue
    ["KO-2600108", date(2026, 6, 10), "Medi", "MD-2002", 1, "Ja", None, None, ""],  # due 25 June (midsommarafton)
    # Juzo, May: 3 arrived after 2, 3 and 7 working days
    ["KO-2600201", date(2026, 5, 4), "Juzo", "JZ-1001", 1, "Nej", date(2026, 5, 6), None, ""],
    ["KO-2600202", date(2026, 5, 4), "Juzo", "JZ-1002", 1, "Nej", date(2026, 5, 7), None, ""],
    ["KO-2600203", date(2026, 5, 4), "Juzo", "JZ-1003", 1, "Nej", date(2026, 5, 13), None, ""],
]

EXPECTED = [
    {
        "supplier": "juzo",
        "month": "2026-05",
        "lines": 3,
        "arrived": 3,
        "within_lead_time": 2,
        "share_within": 0.667,
        "median_working_days": 3,
        "overdue_now": 0,
    },
    {
        "supplier": "medi",
        "month": "2026-05",
        "lines": 7,
        "arrived": 5,
        "within_lead_time": 3,
        "share_within": 0.6,
        "median_working_days": 5,
        "overdue_now": 1,
    },
    {
        "supplier": "medi",
        "month": "2026-06",
        "lines": 2,
        "arrived": 0,
        "within_lead_time": 0,
        "share_within": None,
        "median_working_days": None,
        "overdue_now": 0,
    },
]


@pytest.fixture
def deliveries(app, runner, tmp_path):
    """A contract and the hand-made export above, imported."""
    factory.load_contract(app, factory.small_contract(tmp_path))
    result = runner.invoke(args=["orders", "import", str(export(tmp_path, ROWS)), "--json", "--actor", "hmc1"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["stored"] == len(ROWS)


def test_the_holiday_moves_the_expected_date():
    # ordered Monday 11 May 2026: Ascension Day 14 May does not count, so 5 working days end Tuesday 19 May
    assert add_working_days(date(2026, 5, 11), 5) == date(2026, 5, 19)
    # made-to-measure, ordered Monday 4 May: 10 working days end Tuesday 19 May
    assert add_working_days(date(2026, 5, 4), 10) == date(2026, 5, 19)


def test_report_figures_per_supplier_and_month(app, deliveries):
    with app.app_context():
        report = delivery_report(db.session, today=TODAY)
    assert report == EXPECTED


def test_report_for_one_supplier_with_a_shorter_lead_time(app, deliveries):
    with app.app_context():
        report = delivery_report(db.session, supplier="medi", today=TODAY, standard_days=4)
    may, june = report
    assert [row["supplier"] for row in report] == ["medi", "medi"]
    # with 4 standard working days the line arriving after 5 (over Ascension Day) is late too
    assert (may["within_lead_time"], may["share_within"], may["median_working_days"]) == (2, 0.4, 5)
    assert june["median_working_days"] is None


def test_overdue_counts_from_the_day_after_the_expected_date(app, deliveries):
    with app.app_context():
        report = delivery_report(db.session, supplier="medi", today=date(2026, 6, 16))
    assert [row["overdue_now"] for row in report] == [1, 1]  # KO-2600107 was due 15 June
    with app.app_context():
        due = delivery_report(db.session, supplier="medi", today=date(2026, 6, 25))
        later = delivery_report(db.session, supplier="medi", today=date(2026, 6, 26))
    # the made-to-measure line of 10 June is due 25 June: midsommarafton, Friday 19 June, is no working day
    assert [row["overdue_now"] for row in due] == [1, 1]
    assert [row["overdue_now"] for row in later] == [1, 2]


def test_report_median_is_a_half_for_an_even_count(app, runner, tmp_path):
    factory.load_contract(app, factory.small_contract(tmp_path))
    rows = [
        ["KO-2600301", date(2026, 5, 4), "Rama", "RA-1", 1, "Nej", date(2026, 5, 8), None, ""],  # 4
        ["KO-2600302", date(2026, 5, 4), "Rama", "RA-2", 1, "Nej", date(2026, 5, 11), None, ""],  # 5
    ]
    assert runner.invoke(args=["orders", "import", str(export(tmp_path, rows))]).exit_code == 0
    with app.app_context():
        (row,) = delivery_report(db.session, today=TODAY)
    assert (row["share_within"], row["median_working_days"]) == (1.0, 4.5)


def test_api_returns_the_report(app, deliveries):
    with time_machine.travel(AT_NOON_TODAY, tick=False):
        hmc = bearer_client(app, make_token(app, roles=("hmc",), name="hmc1"))
        response = hmc.get("/api/v1/orders/delivery-report")
        assert response.status_code == 200, response.get_data(as_text=True)
        assert response.get_json() == EXPECTED
        assert hmc.get("/api/v1/orders/delivery-report?supplier=Juzo").get_json() == EXPECTED[:1]
        unknown = hmc.get("/api/v1/orders/delivery-report?supplier=okand")
        assert unknown.status_code == 422 and "okand" not in unknown.get_data(as_text=True)
        officer = bearer_client(app, make_token(app, roles=("upphandlare",), name="upphandlare1"))
        assert officer.get("/api/v1/orders/delivery-report").status_code == 200
        prescriber = bearer_client(app, make_token(app, roles=("forskrivare",), name="forskrivare1"))
        assert prescriber.get("/api/v1/orders/delivery-report").status_code == 403
        assert app.test_client().get("/api/v1/orders/delivery-report").status_code == 401


def test_delivery_page_shows_table_and_chart(app, deliveries):
    with time_machine.travel(AT_NOON_TODAY, tick=False):
        # logged in on that day too: a session signed in the future would not be valid then
        client = page_client(app, "hmc", name="hmc-juni")
        response = client.get("/orders/delivery")
        only_juzo = client.get("/orders/delivery?supplier=juzo").get_data(as_text=True)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Leveransrapport" in page and "Andel inom ledtid" in page and "Försenade nu" in page
    assert "<svg" in page and 'class="pygal-chart"' in page and "Andel rader som nådde HMC" in page
    assert "<script" not in page
    assert "66,7\u00a0%" in page and "60,0\u00a0%" in page and "2026-06" in page
    assert "66,7\u00a0%" in only_juzo and "60,0\u00a0%" not in only_juzo


def test_delivery_page_without_orders_has_no_chart(app, client):
    response = client.get("/orders/delivery")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Inga orderrader" in page and "<svg" not in page


def test_overview_links_to_the_order_pages(app, client):
    page = client.get("/").get_data(as_text=True)
    assert 'href="/orders"' in page and 'href="/orders/delivery"' in page


def test_orders_page_searches_by_order_number(app, client, deliveries):
    empty = client.get("/orders")
    assert empty.status_code == 200 and "Orderhistorik" in empty.get_data(as_text=True)
    assert "Order KO-" not in empty.get_data(as_text=True)

    response = client.get("/orders?kundordernummer=KO-2600104")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Order KO-2600104" in page and "KO-2600101" not in page
    assert "MD-2001" in page and "MD-1004" in page and "Medi" in page and "Måttsydd" in page
    assert "2026-05-19" in page and "2026-05-25" in page and "(sen)" in page  # expected and actual at HMC
    assert "Skriv ut etiketter" in page and 'action="/orders/KO-2600104/labels"' in page

    standard_only = client.get("/orders?kundordernummer=KO-2600101").get_data(as_text=True)
    assert "2026-05-11" in standard_only and "Skriv ut etiketter" not in standard_only


def test_orders_page_searches_by_dates_paged(app, client, deliveries, monkeypatch):
    monkeypatch.setattr(views, "ORDERS_PER_PAGE", 4)
    first = client.get("/orders?from=2026-05-01&to=2026-05-31").get_data(as_text=True)
    assert "9 ordrar" in first and "Sida 1 av 3" in first and "Nästa" in first and "Föregående" not in first
    assert "Order KO-2600106" in first and "KO-2600108" not in first  # June is outside the range
    last = client.get("/orders?from=2026-05-01&to=2026-05-31&page=3").get_data(as_text=True)
    assert "Sida 3 av 3" in last and "Föregående" in last and "Nästa" not in last


def test_orders_page_refuses_personal_data_without_echoing_it(app, client, deliveries):
    for value in ("19121212-1212", PERSONAL):
        response = client.get("/orders", query_string={"kundordernummer": value})
        page = response.get_data(as_text=True)
        assert response.status_code == 422 and "Kundordernumret har fel form" in page
        assert value not in page and "Storgatan" not in page
    bad_date = client.get("/orders?from=igår")
    assert bad_date.status_code == 422 and "ÅÅÅÅ-MM-DD" in bad_date.get_data(as_text=True)


def search(client, **fields):
    """The search form as a browser sends it: POSTed with the CSRF token, redirects followed."""
    token = csrf_from(client.get("/orders").text)
    return client.post("/orders", data={**fields, "csrf_token": token}, follow_redirects=True)


def test_the_search_form_is_posted_and_ends_on_a_url_with_only_the_number(app, client, deliveries, caplog):
    page = client.get("/orders").get_data(as_text=True)
    assert 'method="post" action="/orders"' in page and 'method="get"' not in page
    with caplog.at_level(logging.INFO):
        response = search(client, kundordernummer=" KO-2600104 ", **{"from": "", "to": ""})
    assert response.status_code == 200 and "Order KO-2600104" in response.get_data(as_text=True)
    (redirect,) = response.history
    assert redirect.status_code == 303 and redirect.headers["Location"] == "/orders?kundordernummer=KO-2600104"
    assert response.request.full_path == "/orders?kundordernummer=KO-2600104"

    by_dates = search(client, kundordernummer="", **{"from": "2026-05-01", "to": "2026-05-31"})
    assert by_dates.request.full_path == "/orders?from=2026-05-01&to=2026-05-31"
    assert "9 ordrar" in by_dates.get_data(as_text=True)


@pytest.mark.parametrize("typed", ["19121212-1212", "191212121212", PERSONAL])
def test_personal_data_typed_in_the_search_never_reaches_a_url_or_the_log(app, client, deliveries, caplog, typed):
    with caplog.at_level(logging.DEBUG):
        response = search(client, kundordernummer=typed, **{"from": "2026-05-01", "to": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and not response.history  # re-rendered, not redirected
    assert "Kundordernumret har fel form" in page and "Order KO-" not in page
    assert typed not in page and "Storgatan" not in page
    seen = urls_and_log_lines(response, caplog)
    assert typed not in seen and "Storgatan" not in seen
    assert '"path": "/orders"' in seen  # the access log saw the request, only its path


def test_the_search_form_needs_its_csrf_token(app, client, deliveries):
    response = client.post("/orders", data={"kundordernummer": "KO-2600104"})
    assert response.status_code == 400 and "Order KO-2600104" not in response.get_data(as_text=True)


def test_label_button_returns_the_pdf(app, client, deliveries):
    response = post_form(client, "/orders/KO-2600104/labels", {"batch_number": "B-20260615"})
    assert response.status_code == 200
    assert response.mimetype == "application/pdf" and response.data.startswith(b"%PDF")
    assert "etiketter-KO-2600104.pdf" in response.headers["Content-Disposition"]


def test_label_button_refuses_personal_data_in_the_batch_number(app, client, deliveries, caplog):
    with caplog.at_level(logging.DEBUG):
        response = post_form(client, "/orders/KO-2600104/labels", {"batch_number": PERSONAL})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Etiketterna skrevs inte ut" in page and "batchnummer" in page
    assert "Order KO-2600104" in page  # the order is shown again, with its form
    assert "Anna" not in page and "Storgatan" not in page
    assert "Storgatan" not in caplog.text

    no_custom = post_form(client, "/orders/KO-2600101/labels", {"batch_number": "B-1"})
    assert no_custom.status_code == 409 and "inga måttsydda rader" in no_custom.get_data(as_text=True)
    unknown = post_form(client, "/orders/KO-9999999/labels", {"batch_number": "B-1"})
    assert unknown.status_code == 404 and "finns inte" in unknown.get_data(as_text=True)
    not_a_number = post_form(client, f"/orders/{PERSONAL}/labels", {"batch_number": "B-1"})
    assert not_a_number.status_code == 404 and "Storgatan" not in not_a_number.get_data(as_text=True)
