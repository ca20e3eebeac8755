"""The request state machine through the API: every allowed step, every illegal one (409), every refused role (403).

The cases are generated from ``workflow.REQUEST_TRANSITIONS`` and ``WORK_ORDER_TRANSITIONS``, so a
step added to the machine is tested without anyone remembering to.
"""

from __future__ import annotations

import pytest

from catalog_service.auth.models import Role
from catalog_service.orders.delivery import swedish_today
from catalog_service.requests.models import RequestStatus, WorkOrderStatus
from catalog_service.requests.workflow import (
    REQUEST_TRANSITIONS,
    WORK_ORDER_TRANSITIONS,
    RequestAction,
    WorkOrderAction,
)
from tests.helpers import assert_error, audit_entries
from tests.requests.conftest import (
    APPROVAL,
    CLIENT_OF_ROLE,
    act,
    act_on_order,
    force_status,
    reach,
    stored,
    submit,
)

ALLOWED = [(action, source) for action, step in REQUEST_TRANSITIONS.items() for source in sorted(step.sources)]
ILLEGAL = {
    status: [action for action, step in REQUEST_TRANSITIONS.items() if status not in step.sources]
    for status in RequestStatus
}
FIELDS = {
    RequestAction.approve: APPROVAL,
    RequestAction.propose_alternative: {"alternative_article_number": "MED-0002"},
}


def test_every_state_is_reachable_and_every_action_has_a_test():
    assert {action for action, _ in ALLOWED} == set(RequestAction)
    assert all(ILLEGAL[status] for status in RequestStatus if status is not RequestStatus.submitted)


def _deliver_work_order(people, number):
    order = people.hanna.get(f"/api/v1/requests/{number}").get_json()["work_order"]
    for step in ("order", "receive", "deliver"):
        assert act_on_order(people.hanna, order, step).status_code == 200


@pytest.mark.parametrize(("action", "source"), ALLOWED, ids=[f"{a.value}-from-{s.value}" for a, s in ALLOWED])
def test_every_allowed_step_moves_stamps_records_and_audits(app, people, action, source):
    number = reach(app, people, source)
    if source is RequestStatus.work_order_created:
        _deliver_work_order(people, number)
    _, rows_before = stored(app, number)

    response = act(people.hanna, number, action.value, comment="Bedömt enligt rutin.", **FIELDS.get(action, {}))

    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    target = REQUEST_TRANSITIONS[action].target
    expected = RequestStatus.work_order_created if action is RequestAction.approve else target
    assert body["status"] == expected.value
    assert body["status_changed_by"] == "hanna"
    step = next(row for row in reversed(body["history"]) if row["action"] == action.value)
    assert (step["from"], step["to"], step["actor"], step["comment"]) == (
        source.value,
        target.value,
        "hanna",
        "Bedömt enligt rutin.",
    )
    assert stored(app, number)[0] == expected.value
    assert stored(app, number)[1] == rows_before + (2 if action is RequestAction.approve else 1)
    (entry,) = [e for e in audit_entries(app, f"requests.{action.value}") if e.object_id == number]
    assert (entry.actor, entry.details["from"], entry.details["to"]) == ("hanna", source.value, target.value)
    assert "Bedömt" not in str(entry.details)  # comments are free text: never in the audit log


@pytest.mark.parametrize("status", list(RequestStatus), ids=[s.value for s in RequestStatus])
def test_every_illegal_step_is_a_409_and_changes_nothing(app, people, status):
    number = reach(app, people, status)
    before = stored(app, number)
    audits_before = len(audit_entries(app, "requests.approve"))
    for action in ILLEGAL[status]:
        response = act(people.adam, number, action.value, **FIELDS.get(action, {}))
        error = assert_error(response, 409, "illegal_transition")
        assert error["details"]["status"] == status.value
        assert error["details"]["action"] == action.value
    assert stored(app, number) == before
    assert len(audit_entries(app, "requests.approve")) == audits_before


def _refused_roles(action: RequestAction) -> list[str]:
    step = REQUEST_TRANSITIONS[action]
    return [role.value for role in Role if not step.permits({role.value}, own=False)]


ROLE_CASES = [(action, role) for action in RequestAction for role in _refused_roles(action)]


@pytest.mark.parametrize(("action", "role"), ROLE_CASES, ids=[f"{a.value}-{r}" for a, r in ROLE_CASES])
def test_every_role_that_may_not_act_gets_403_and_changes_nothing(app, people, action, role):
    source = sorted(REQUEST_TRANSITIONS[action].sources)[0]
    number = reach(app, people, source)  # submitted by lisa; olof is the other prescriber
    before = stored(app, number)

    response = act(getattr(people, CLIENT_OF_ROLE[role]), number, action.value, **FIELDS.get(action, {}))

    assert_error(response, 403, "forbidden")
    assert stored(app, number) == before


def test_the_roles_matrix_is_what_the_docs_say():
    """hmc takes every step; prescribers, procurement and suppliers none, except that a prescriber closes their
    own."""
    assert {action: _refused_roles(action) for action in RequestAction} == {
        action: ["upphandlare", "forskrivare", "leverantor"] for action in RequestAction
    }
    assert REQUEST_TRANSITIONS[RequestAction.close].permits({"forskrivare"}, own=True)


def test_the_prescriber_who_submitted_may_close_own_answered_request(app, people):
    number = reach(app, people, RequestStatus.rejected)
    assert_error(act(people.olof, number, "close"), 403, "forbidden")
    response = act(people.lisa, number, "close", comment="Tack.")
    assert response.status_code == 200
    assert response.get_json()["status"] == "closed"


def test_the_prescriber_sees_close_only_on_own_answered_requests(app, people):
    number = reach(app, people, RequestStatus.resolved_with_alternative)
    assert people.lisa.get(f"/api/v1/requests/{number}").get_json()["actions"] == ["close"]
    assert people.olof.get(f"/api/v1/requests/{number}").get_json()["actions"] == []
    assert people.hanna.get(f"/api/v1/requests/{number}").get_json()["actions"] == ["close"]


def test_an_eshop_token_and_procurement_may_not_submit(app, people):
    assert_error(submit(people.eshop), 403)
    assert_error(submit(people.ulla), 403, "forbidden")


def test_hmc_may_register_a_request_for_a_prescriber_and_admin_may_do_everything(app, people):
    assert submit(people.hanna).status_code == 201
    number = submit(people.adam).get_json()["number"]
    for action in ("start_review", "send_for_cost_approval"):
        assert act(people.adam, number, action).status_code == 200
    approved = act(people.adam, number, "approve", **APPROVAL).get_json()
    for step in ("order", "receive", "deliver", "close"):
        assert act_on_order(people.adam, approved["work_order"], step).status_code == 200
    assert people.adam.get(f"/api/v1/requests/{number}").get_json()["status"] == "closed"


def test_no_token_is_a_401(client):
    assert_error(client.post("/api/v1/requests", json={}), 401)
    assert_error(client.get("/api/v1/requests/KONS-2026-000001"), 401)


def test_an_unknown_request_or_action_is_refused(app, people):
    assert_error(act(people.hanna, "KONS-2026-999999", "start_review"), 404, "request_not_found")
    number = reach(app, people, RequestStatus.submitted)
    assert_error(act(people.hanna, number, "order"), 422)
    assert stored(app, number)[0] == "submitted"


# --- approval and the work order -----------------------------------------------------------------


def test_approval_creates_the_work_order_with_the_cost_units_code(app, people):
    number = reach(app, people, RequestStatus.awaiting_cost_approval)

    response = act(people.hanna, number, "approve", comment="Godkänt per telefon.", **APPROVAL)

    body = response.get_json()
    assert body["status"] == "work_order_created"
    assert body["work_order"] == f"AO-{swedish_today().year}-000001"
    assert [(row["from"], row["to"]) for row in body["history"][-2:]] == [
        ("awaiting_cost_approval", "approved"),
        ("approved", "work_order_created"),
    ]
    order = people.lisa.get(f"/api/v1/work-orders/{body['work_order']}").get_json()
    assert order["status"] == "created"
    assert (order["request"], order["kundordernummer"], order["supplier"]) == (number, "KO-2600001", "medi")
    assert (order["cost_estimate_sek"], order["cost_unit_code"], order["made_to_measure"]) == (
        "4500.50",
        "VGR-9000",
        True,
    )
    assert order["lead_time_working_days"] == 10
    assert order["specification"].startswith("Behöver längre lårdel")
    (created,) = audit_entries(app, "work_orders.create")
    assert created.details["cost_unit_code"] == "VGR-9000" and created.details["request"] == number


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"cost_unit_code": "VGR-9000"}, "cost_estimate_sek"),
        ({"cost_estimate_sek": "0", "cost_unit_code": "VGR-9000"}, "cost_estimate_sek"),
        ({"cost_estimate_sek": "12.345", "cost_unit_code": "VGR-9000"}, "cost_estimate_sek"),
        ({"cost_estimate_sek": "100"}, "cost_unit_code"),
        ({"cost_estimate_sek": "100", "cost_unit_code": "VGR 12!"}, "cost_unit_code"),
    ],
)
def test_an_approval_without_a_valid_cost_or_unit_is_refused_naming_the_field(app, people, fields, field):
    number = reach(app, people, RequestStatus.awaiting_cost_approval)
    error = assert_error(act(people.hanna, number, "approve", **fields), 422)
    assert error["details"]["field"] == field
    assert stored(app, number)[0] == "awaiting_cost_approval"
    assert audit_entries(app, "work_orders.create") == []


def test_an_approval_needs_a_supplier_when_the_request_names_none(app, people):
    number = submit(people.lisa, supplier=None).get_json()["number"]
    for action in ("start_review", "send_for_cost_approval"):
        act(people.hanna, number, action)
    assert assert_error(act(people.hanna, number, "approve", **APPROVAL), 422)["details"]["field"] == "supplier"
    body = act(people.hanna, number, "approve", supplier="Juzo", **APPROVAL).get_json()
    assert people.hanna.get(f"/api/v1/work-orders/{body['work_order']}").get_json()["supplier"] == "juzo"


def test_a_request_with_a_work_order_closes_when_the_work_order_is_delivered(app, people):
    number = reach(app, people, RequestStatus.work_order_created)
    order = people.hanna.get(f"/api/v1/requests/{number}").get_json()["work_order"]
    assert assert_error(act(people.hanna, number, "close"), 409, "work_order_open")["details"]["work_order"] == order
    for step in ("order", "receive"):
        act_on_order(people.hanna, order, step)
    assert_error(act(people.lisa, number, "close"), 409, "work_order_open")
    act_on_order(people.hanna, order, "deliver")
    assert act(people.lisa, number, "close").get_json()["status"] == "closed"


def test_closing_the_work_order_closes_its_request(app, people):
    number = reach(app, people, RequestStatus.work_order_created)
    order = people.hanna.get(f"/api/v1/requests/{number}").get_json()["work_order"]
    for step in ("order", "receive", "deliver", "close"):
        response = act_on_order(people.hanna, order, step, comment=f"Steg {step}.")
        assert response.status_code == 200, response.get_json()
    request = people.hanna.get(f"/api/v1/requests/{number}").get_json()
    assert request["status"] == "closed"
    assert [(row["action"], row["work_order"]) for row in request["history"][-5:]] == [
        ("order", True),
        ("receive", True),
        ("deliver", True),
        ("close", True),
        ("close", False),
    ]


WO_ALLOWED = [(action, source) for action, step in WORK_ORDER_TRANSITIONS.items() for source in step.sources]


@pytest.mark.parametrize(("action", "source"), WO_ALLOWED, ids=[a.value for a, _ in WO_ALLOWED])
def test_every_work_order_step_moves_stamps_and_audits(app, people, action, source):
    number = reach(app, people, RequestStatus.work_order_created)
    order = people.hanna.get(f"/api/v1/requests/{number}").get_json()["work_order"]
    for earlier in list(WorkOrderAction)[: list(WorkOrderAction).index(action)]:
        assert act_on_order(people.hanna, order, earlier.value).status_code == 200

    response = act_on_order(people.hanna, order, action.value, comment="Klart.")

    body = response.get_json()
    assert response.status_code == 200, body
    assert body["status"] == WORK_ORDER_TRANSITIONS[action].target.value
    assert (body["history"][-1]["from"], body["history"][-1]["actor"]) == (source.value, "hanna")
    stamp = {"order": "ordered_at", "receive": "received_at", "deliver": "delivered_at", "close": "closed_at"}
    assert body[stamp[action.value]] is not None
    (entry,) = [e for e in audit_entries(app, f"work_orders.{action.value}") if e.object_id == order]
    assert (entry.details["from"], entry.details["to"]) == (source.value, body["status"])


@pytest.mark.parametrize("status", list(WorkOrderStatus), ids=[s.value for s in WorkOrderStatus])
def test_every_illegal_work_order_step_is_a_409(app, people, status):
    number = reach(app, people, RequestStatus.work_order_created)
    order = people.hanna.get(f"/api/v1/requests/{number}").get_json()["work_order"]
    for action in list(WorkOrderAction)[: list(WorkOrderStatus).index(status)]:
        assert act_on_order(people.hanna, order, action.value).status_code == 200
    for action, step in WORK_ORDER_TRANSITIONS.items():
        if status not in step.sources:
            assert_error(act_on_order(people.adam, order, action.value), 409, "illegal_transition")
    assert people.hanna.get(f"/api/v1/work-orders/{order}").get_json()["status"] == status.value


@pytest.mark.parametrize("role", ["forskrivare", "upphandlare"])
def test_only_hmc_takes_work_order_steps(app, people, role):
    number = reach(app, people, RequestStatus.work_order_created)
    order = people.hanna.get(f"/api/v1/requests/{number}").get_json()["work_order"]
    for action in WorkOrderAction:
        assert_error(act_on_order(getattr(people, CLIENT_OF_ROLE[role]), order, action.value), 403)
    assert people.lisa.get(f"/api/v1/work-orders/{order}").get_json()["status"] == "created"


def test_a_request_at_rest_in_approved_allows_no_action(app, people):
    number = reach(app, people, RequestStatus.submitted)
    force_status(app, number, RequestStatus.approved)
    assert people.adam.get(f"/api/v1/requests/{number}").get_json()["actions"] == []


def test_the_api_is_in_the_openapi_document(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    paths = spec["paths"]
    for path, method in [
        ("/api/v1/requests", "post"),
        ("/api/v1/requests", "get"),
        ("/api/v1/requests/candidates", "get"),
        ("/api/v1/requests/{number}", "get"),
        ("/api/v1/requests/{number}/actions", "post"),
        ("/api/v1/work-orders/{number}", "get"),
        ("/api/v1/work-orders/{number}/actions", "post"),
    ]:
        assert method in paths[path], (path, method)
    assert set(paths["/api/v1/requests"]["post"]["responses"]) >= {"200", "201", "422"}
    description = spec["components"]["schemas"]["RequestIn"]["properties"]["description"]
    assert description["maxLength"] == 500
