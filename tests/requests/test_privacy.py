"""Every free-text field of the area passes the privacy guard and has a length limit.

A refusal is a 422 naming the field and the kind, never the value, and the value is not stored
anywhere in the database (not in the request, the timeline or the audit log).
"""

from __future__ import annotations

import logging

import pytest

from catalog_service.requests.models import COMMENT_MAX, DESCRIPTION_MAX, MODEL_MAX, SPECIFICATION_MAX, RequestStatus
from catalog_service.requests.workflow import REQUEST_TRANSITIONS, RequestAction, WorkOrderAction
from tests.helpers import assert_error, database_text
from tests.requests.conftest import APPROVAL, act, act_on_order, reach, stored, submit

PERSONAL = {
    "personnummer": "Patienten 19550323-3859 behöver",
    "email": "svara till lars.svensson@example.com",
    "phone": "ring 070-123 45 67",
    "street_address": "bor på Granbacken 48, 749 35 Enköping",
}
SECRETS = ("19550323-3859", "lars.svensson", "070-123 45 67", "Granbacken")


def assert_refused_and_not_kept(app, response, field: str, caplog):
    error = assert_error(response, 422, "personal_data")
    assert error["details"]["field"] == field
    text = response.get_data(as_text=True)
    stored_text, _blobs = database_text(app)
    for secret in SECRETS:
        assert secret not in text
        assert secret not in stored_text
        assert secret not in caplog.text


@pytest.mark.parametrize("kind", sorted(PERSONAL))
@pytest.mark.parametrize("field", ["description", "model"])
def test_submit_free_text_with_personal_data_is_refused(app, people, field, kind, caplog):
    caplog.set_level(logging.DEBUG)
    response = submit(people.lisa, **{field: PERSONAL[kind]})
    assert_refused_and_not_kept(app, response, field, caplog)
    assert kind in response.get_json()["error"]["details"]["kinds"]


COMMENT_CASES = [(action, sorted(step.sources)[0]) for action, step in REQUEST_TRANSITIONS.items()]


@pytest.mark.parametrize(("action", "source"), COMMENT_CASES, ids=[a.value for a, _ in COMMENT_CASES])
def test_a_comment_on_every_step_is_guarded(app, people, action, source, caplog):
    number = reach(app, people, source)
    before = stored(app, number)
    extra = APPROVAL if action is RequestAction.approve else {}
    response = act(people.hanna, number, action.value, comment=PERSONAL["phone"], **extra)
    assert_refused_and_not_kept(app, response, "comment", caplog)
    assert stored(app, number) == before


def test_the_work_order_specification_is_guarded(app, people, caplog):
    number = reach(app, people, RequestStatus.awaiting_cost_approval)
    response = act(people.hanna, number, "approve", specification=PERSONAL["street_address"], **APPROVAL)
    assert_refused_and_not_kept(app, response, "specification", caplog)
    assert stored(app, number)[0] == "awaiting_cost_approval"


@pytest.mark.parametrize("action", list(WorkOrderAction), ids=[a.value for a in WorkOrderAction])
def test_a_comment_on_every_work_order_step_is_guarded(app, people, action, caplog):
    number = reach(app, people, RequestStatus.work_order_created)
    order = people.hanna.get(f"/api/v1/requests/{number}").get_json()["work_order"]
    for earlier in list(WorkOrderAction)[: list(WorkOrderAction).index(action)]:
        assert act_on_order(people.hanna, order, earlier.value).status_code == 200
    status = people.hanna.get(f"/api/v1/work-orders/{order}").get_json()["status"]
    response = act_on_order(people.hanna, order, action.value, comment=PERSONAL["email"])
    assert_refused_and_not_kept(app, response, "comment", caplog)
    assert people.hanna.get(f"/api/v1/work-orders/{order}").get_json()["status"] == status


LIMITS = [("description", DESCRIPTION_MAX), ("model", MODEL_MAX)]


@pytest.mark.parametrize(("field", "limit"), LIMITS)
def test_submit_free_text_has_a_length_limit(app, people, field, limit):
    assert submit(people.lisa, **{field: "x" * limit}).status_code == 201
    error = assert_error(submit(people.lisa, **{field: "y" * (limit + 1)}), 422, "too_long")
    assert error["details"] == {"field": field, "max_length": limit}
    assert "yyyy" not in error["message"]


def test_comment_and_specification_have_length_limits(app, people):
    number = reach(app, people, RequestStatus.awaiting_cost_approval)
    error = assert_error(act(people.hanna, number, "reject", comment="c" * (COMMENT_MAX + 1)), 422, "too_long")
    assert error["details"]["field"] == "comment"
    spec = "s" * (SPECIFICATION_MAX + 1)
    error = assert_error(act(people.hanna, number, "approve", specification=spec, **APPROVAL), 422, "too_long")
    assert error["details"]["field"] == "specification"
    assert stored(app, number)[0] == "awaiting_cost_approval"


def test_numbers_in_free_text_that_are_not_personal_data_pass(app, people):
    description = "Artikel 4049706123456 utgick 2026-05-01, order KO-2600001, omkrets 72 cm."
    response = submit(people.lisa, description=description)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["description"] == description
