"""Submitting a request: checked fields, numbers without gaps (per year, under concurrency, after refusals)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
import time_machine
from sqlalchemy import func, select

from catalog_service.extensions import db
from catalog_service.requests.models import ConsultationRequest, NumberCounter
from catalog_service.requests.service import submit_request
from tests.helpers import assert_error, audit_entries
from tests.requests.conftest import APPROVAL, act, payload, submit

NOON_2026 = datetime(2026, 6, 1, 10, 0, tzinfo=UTC)


def request_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(ConsultationRequest))


def test_a_request_is_stored_numbered_and_audited(app, api_people):
    with time_machine.travel(NOON_2026, tick=False):
        response = submit(api_people.lisa)

    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["number"] == "KONS-2026-000001"
    assert body["status"] == "submitted"
    assert (body["kundordernummer"], body["supplier"], body["article_number"]) == ("KO-2600001", "medi", "MED-9999")
    assert (body["reason"], body["urgency"], body["unit_code"]) == ("measurements_outside_sizes", "normal", "VGR-1234")
    assert body["submitted_by"] == "lisa" and body["note"] is None and body["found"] is None
    assert body["history"] == [
        {
            "action": "submit",
            "from": None,
            "to": "submitted",
            "actor": "lisa",
            "at": "2026-06-01T10:00:00+00:00",
            "comment": None,
            "work_order": False,
        }
    ]
    (entry,) = audit_entries(app, "requests.submit")
    assert (entry.actor, entry.object_id, entry.details["status"]) == ("lisa", "KONS-2026-000001", "submitted")
    assert api_people.olof.get("/api/v1/requests/kons-2026-000001").get_json()["number"] == "KONS-2026-000001"


def test_values_are_normalised(app, api_people):
    body = submit(
        api_people.lisa, supplier=" Medi ", unit_code="vgr-1234", model="  Sonder  ", urgency="urgent"
    ).get_json()
    assert (body["supplier"], body["unit_code"], body["model"], body["urgency"]) == (
        "medi",
        "VGR-1234",
        "Sonder",
        "urgent",
    )


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"kundordernummer": "KO-26001"}, "kundordernummer", "invalid_kundordernummer"),
        ({"kundordernummer": "19550323-3859"}, "kundordernummer", "invalid_kundordernummer"),
        ({"kundordernummer": ""}, "kundordernummer", "missing_field"),
        ({"supplier": "okänd"}, "supplier", "unknown_supplier"),
        ({"article_number": "MED 0001 <script>"}, "article_number", "invalid_article_number"),
        ({"article_number": "195503233859"}, "article_number", "invalid_article_number"),
        ({"article_number": None, "model": None}, "article_number", "missing_article"),
        ({"description": "  "}, "description", "missing_field"),
        ({"unit_code": "VGR 1234"}, "unit_code", "invalid_unit_code"),
        ({"unit_code": "195503233859"}, "unit_code", "invalid_unit_code"),
        ({"unit_code": "A" * 21}, "unit_code", "invalid_unit_code"),
    ],
)
def test_a_bad_field_is_refused_naming_it_and_nothing_is_written(app, api_people, overrides, field, code):
    response = submit(api_people.lisa, **overrides)
    error = assert_error(response, 422, code)
    assert error["details"]["field"] == field
    assert request_count(app) == 0 and audit_entries(app, "requests.submit") == []
    for value in overrides.values():
        if value and value.strip():
            assert value not in response.get_data(as_text=True)


@pytest.mark.parametrize(("overrides", "field"), [({"reason": "because"}, "reason"), ({"urgency": "asap"}, "urgency")])
def test_a_value_outside_the_lists_is_refused_by_the_schema(app, api_people, overrides, field):
    error = assert_error(submit(api_people.lisa, **overrides), 422)
    assert field in error["details"]["json"]
    assert request_count(app) == 0


def test_the_customer_order_number_pattern_is_configurable(app, api_people):
    app.config["KUNDORDERNUMMER_PATTERN"] = r"^WS\d{6}$"
    assert_error(submit(api_people.lisa), 422, "invalid_kundordernummer")
    assert submit(api_people.lisa, kundordernummer="WS123456").status_code == 201


# --- numbers -------------------------------------------------------------------------------------


def test_numbers_count_up_without_gaps(app, api_people):
    with time_machine.travel(NOON_2026, tick=False):
        numbers = [submit(api_people.lisa).get_json()["number"] for _ in range(3)]
    assert numbers == ["KONS-2026-000001", "KONS-2026-000002", "KONS-2026-000003"]


def test_a_refused_request_uses_no_number(app, api_people):
    with time_machine.travel(NOON_2026, tick=False):
        first = submit(api_people.lisa).get_json()["number"]
        assert_error(submit(api_people.lisa, description="Ring 070-123 45 67"), 422, "personal_data")
        assert_error(submit(api_people.lisa, kundordernummer="fel"), 422)
        assert_error(submit(api_people.ulla), 403)
        second = submit(api_people.lisa).get_json()["number"]
    assert (first, second) == ("KONS-2026-000001", "KONS-2026-000002")


def test_a_rolled_back_submission_gives_its_number_back(app):
    with app.app_context(), time_machine.travel(NOON_2026, tick=False):
        submitted = submit_request(db.session, payload(), actor="lisa", roles={"forskrivare"})
        assert submitted.request.number == "KONS-2026-000001"
        db.session.rollback()
        again = submit_request(db.session, payload(), actor="lisa", roles={"forskrivare"})
        db.session.commit()
        assert again.request.number == "KONS-2026-000001"


def test_numbers_start_again_each_swedish_year(app, api_people):
    # 22:30 UTC on New Year's Eve is 23:30 in Sweden; 23:30 UTC is already 00:30 on New Year's Day there.
    with time_machine.travel(datetime(2026, 12, 31, 22, 30, tzinfo=UTC), tick=False):
        old_year = [submit(api_people.lisa).get_json()["number"] for _ in range(2)]
    with time_machine.travel(datetime(2026, 12, 31, 23, 30, tzinfo=UTC), tick=False):
        new_year = [submit(api_people.lisa).get_json()["number"] for _ in range(2)]
        for action in ("start_review", "send_for_cost_approval"):
            act(api_people.hanna, old_year[0], action)
        order = act(api_people.hanna, old_year[0], "approve", **APPROVAL).get_json()["work_order"]
    assert old_year == ["KONS-2026-000001", "KONS-2026-000002"]
    assert new_year == ["KONS-2027-000001", "KONS-2027-000002"]
    assert order == "AO-2027-000001"  # the work order is numbered for the day it is made
    with app.app_context():
        counters = {(c.series, c.year): c.last_number for c in db.session.scalars(select(NumberCounter))}
    assert counters == {("KONS", 2026): 2, ("KONS", 2027): 2, ("AO", 2027): 1}


def test_concurrent_submissions_get_distinct_numbers_without_gaps(app):
    count = 8
    barrier = threading.Barrier(count)
    numbers: list = [None] * count

    def run(index):
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                submitted = submit_request(db.session, payload(), actor=f"p{index}", roles={"forskrivare"})
                db.session.commit()
                numbers[index] = submitted.request.number
            except Exception as error:  # reported by the assertion below
                db.session.rollback()
                numbers[index] = error
            finally:
                db.session.remove()

    with time_machine.travel(NOON_2026, tick=False):
        threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    assert sorted(numbers, key=str) == [f"KONS-2026-{n:06d}" for n in range(1, count + 1)], numbers
