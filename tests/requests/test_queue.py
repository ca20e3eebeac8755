"""The queue: filters, waiting time in working days, the overdue flag, and who sees what."""

from __future__ import annotations

from datetime import UTC, datetime

import time_machine

from tests.helpers import assert_error
from tests.requests.conftest import act, submit

MONDAY = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)
TUESDAY = datetime(2026, 5, 5, 10, 0, tzinfo=UTC)


def queue(client, when: datetime, **query):
    with time_machine.travel(when, tick=False):
        response = client.get("/api/v1/requests", query_string=query)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def numbers(page: dict) -> list[str]:
    return [request["number"] for request in page["requests"]]


def at(when: datetime, client, **fields) -> str:
    with time_machine.travel(when, tick=False):
        response = submit(client, **fields)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["number"]


def test_a_request_is_overdue_after_more_than_five_working_days(app, api_people):
    number = at(MONDAY, api_people.lisa)
    on_day_5 = queue(api_people.hanna, datetime(2026, 5, 11, 12, 0, tzinfo=UTC))  # Mon 4 May + 5 working days
    assert on_day_5["overdue_working_days"] == 5
    (request,) = on_day_5["requests"]
    assert (request["number"], request["waiting_working_days"], request["overdue"]) == (number, 5, False)
    (request,) = queue(api_people.hanna, datetime(2026, 5, 12, 12, 0, tzinfo=UTC))["requests"]
    assert (request["waiting_working_days"], request["overdue"]) == (6, True)
    # Thursday 14 May 2026 is Ascension Day, not a working day
    (request,) = queue(api_people.hanna, datetime(2026, 5, 15, 12, 0, tzinfo=UTC))["requests"]
    assert request["waiting_working_days"] == 8


def test_the_overdue_limit_is_configurable(app, api_people):
    at(MONDAY, api_people.lisa)
    app.config["REQUEST_OVERDUE_WORKING_DAYS"] = 2
    (request,) = queue(api_people.hanna, datetime(2026, 5, 7, 12, 0, tzinfo=UTC))["requests"]
    assert (request["waiting_working_days"], request["overdue"]) == (3, True)


def test_an_answered_request_is_not_waiting(app, api_people):
    number = at(MONDAY, api_people.lisa)
    with time_machine.travel(MONDAY, tick=False):
        act(api_people.hanna, number, "start_review")
        act(api_people.hanna, number, "reject")
    (request,) = queue(api_people.hanna, datetime(2026, 6, 1, 12, 0, tzinfo=UTC))["requests"]
    assert (request["status"], request["waiting_working_days"], request["overdue"]) == ("rejected", None, False)


def test_filters_status_supplier_urgency_age_overdue_and_order_number(app, api_people):
    old = at(MONDAY, api_people.lisa, urgency="urgent")
    newer = at(TUESDAY, api_people.lisa, supplier="juzo", kundordernummer="KO-2600002")
    reviewed = at(TUESDAY, api_people.olof)
    with time_machine.travel(TUESDAY, tick=False):
        act(api_people.hanna, reviewed, "start_review")
    when = datetime(2026, 5, 12, 12, 0, tzinfo=UTC)

    assert numbers(queue(api_people.hanna, when)) == [old, newer, reviewed]
    assert numbers(queue(api_people.hanna, when, status="in_review")) == [reviewed]
    assert numbers(queue(api_people.hanna, when, status=["submitted", "in_review"])) == [old, newer, reviewed]
    assert numbers(queue(api_people.hanna, when, supplier="Juzo")) == [newer]
    assert numbers(queue(api_people.hanna, when, urgency="urgent")) == [old]
    assert numbers(queue(api_people.hanna, when, age=6)) == [old]
    assert numbers(queue(api_people.hanna, when, age=5)) == [old, newer, reviewed]
    assert numbers(queue(api_people.hanna, when, overdue="true")) == [old]
    assert numbers(queue(api_people.hanna, when, kundordernummer="KO-2600002")) == [newer]
    page = queue(api_people.hanna, when, per_page=2, page=2)
    assert (page["total"], numbers(page)) == (3, [reviewed])


def test_a_prescriber_lists_own_requests_or_one_customer_orders(app, api_people):
    mine = at(MONDAY, api_people.lisa)
    theirs = at(MONDAY, api_people.olof, kundordernummer="KO-2600009")
    assert numbers(queue(api_people.lisa, TUESDAY)) == [mine]
    assert numbers(queue(api_people.lisa, TUESDAY, kundordernummer="KO-2600009")) == [theirs]


def test_procurement_may_not_list_and_a_bad_order_number_is_refused(app, api_people):
    assert_error(api_people.ulla.get("/api/v1/requests"), 403)
    response = api_people.hanna.get("/api/v1/requests?kundordernummer=Sven%20Svensson")
    assert_error(response, 422, "invalid_kundordernummer")
    assert "Svensson" not in response.get_data(as_text=True)
    assert_error(api_people.hanna.get("/api/v1/requests?status=waiting"), 422)


def test_expected_arrival_follows_the_lead_time_in_working_days(app, api_people):
    number = at(MONDAY, api_people.lisa)
    with time_machine.travel(MONDAY, tick=False):
        act(api_people.hanna, number, "start_review")
        act(api_people.hanna, number, "send_for_cost_approval")
        made = act(
            api_people.hanna, number, "approve", cost_estimate_sek=900, cost_unit_code="VGR-9", made_to_measure=True
        )
        order = made.get_json()["work_order"]
        before = api_people.hanna.get(f"/api/v1/work-orders/{order}").get_json()
        ordered = api_people.hanna.post(f"/api/v1/work-orders/{order}/actions", json={"action": "order"}).get_json()
    assert (before["expected_at_hmc"], before["overdue"]) == (None, False)
    # ten working days after Monday 4 May, skipping Ascension Day (14 May); home two working days later
    assert (ordered["expected_at_hmc"], ordered["expected_at_home"]) == ("2026-05-19", "2026-05-21")
    with time_machine.travel(datetime(2026, 5, 20, 12, 0, tzinfo=UTC), tick=False):
        late = api_people.hanna.get(f"/api/v1/work-orders/{order}").get_json()
        received = api_people.hanna.post(f"/api/v1/work-orders/{order}/actions", json={"action": "receive"}).get_json()
    assert (late["overdue"], received["overdue"], received["status"]) == (True, False, "received_at_hmc")


def test_a_standard_work_order_has_five_working_days(app, api_people):
    number = at(MONDAY, api_people.lisa)
    with time_machine.travel(MONDAY, tick=False):
        act(api_people.hanna, number, "start_review")
        act(api_people.hanna, number, "send_for_cost_approval")
        order = act(api_people.hanna, number, "approve", cost_estimate_sek="450", cost_unit_code="VGR-9").get_json()
        ordered = api_people.hanna.post(f"/api/v1/work-orders/{order['work_order']}/actions", json={"action": "order"})
    assert (ordered.get_json()["lead_time_working_days"], ordered.get_json()["expected_at_hmc"]) == (5, "2026-05-11")


def test_an_unknown_supplier_filter_is_refused(app, api_people):
    response = api_people.hanna.get("/api/v1/requests?supplier=Sven%20Svensson")
    assert assert_error(response, 422, "unknown_supplier")["details"]["field"] == "supplier"
    assert "Svensson" not in response.get_data(as_text=True)
