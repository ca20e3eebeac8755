"""The two state machines as data, who may take each step, and the Swedish words for states and actions.

The service, the API, the pages and the tests all read these tables: a step is legal when the
current state is one of its ``sources`` (else Conflict, 409) and the caller has one of its
``roles`` (else Forbidden, 403; admin always may). ``own`` lets the prescriber who submitted a
request take the step on that request too.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass

from ..auth.models import Role
from ..errors import Conflict, Forbidden
from .models import RequestStatus, WorkOrderStatus


class RequestAction(enum.StrEnum):
    start_review = "start_review"
    propose_alternative = "propose_alternative"
    send_for_cost_approval = "send_for_cost_approval"
    approve = "approve"
    reject = "reject"
    close = "close"


class WorkOrderAction(enum.StrEnum):
    order = "order"
    receive = "receive"
    deliver = "deliver"
    close = "close"


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset
    target: enum.StrEnum
    roles: frozenset[Role]
    own: bool = False  # the submitting prescriber may take this step on their own request

    def permits(self, roles: Iterable[str], *, own: bool = False) -> bool:
        held = set(roles)
        if Role.admin.value in held or any(role.value in held for role in self.roles):
            return True
        return self.own and own and Role.forskrivare.value in held


S = RequestStatus
HMC = frozenset({Role.hmc})

REQUEST_TRANSITIONS: dict[RequestAction, Transition] = {
    RequestAction.start_review: Transition("start_review", frozenset({S.submitted}), S.in_review, HMC),
    RequestAction.propose_alternative: Transition(
        "propose_alternative", frozenset({S.in_review}), S.resolved_with_alternative, HMC
    ),
    RequestAction.send_for_cost_approval: Transition(
        "send_for_cost_approval", frozenset({S.in_review}), S.awaiting_cost_approval, HMC
    ),
    # HMC records the cost-responsible unit's decision (with that unit's code); approving
    # creates the work order in the same transaction, so the request goes on to work_order_created.
    RequestAction.approve: Transition("approve", frozenset({S.awaiting_cost_approval}), S.approved, HMC),
    RequestAction.reject: Transition("reject", frozenset({S.in_review, S.awaiting_cost_approval}), S.rejected, HMC),
    RequestAction.close: Transition(
        "close",
        frozenset({S.resolved_with_alternative, S.work_order_created, S.rejected, S.resolved_in_assortment}),
        S.closed,
        HMC,
        own=True,
    ),
}

# The step that follows an approval at once; not an action anyone asks for.
CREATE_WORK_ORDER = Transition("create_work_order", frozenset({S.approved}), S.work_order_created, HMC)

W = WorkOrderStatus
WORK_ORDER_TRANSITIONS: dict[WorkOrderAction, Transition] = {
    WorkOrderAction.order: Transition("order", frozenset({W.created}), W.ordered, HMC),
    WorkOrderAction.receive: Transition("receive", frozenset({W.ordered}), W.received_at_hmc, HMC),
    WorkOrderAction.deliver: Transition("deliver", frozenset({W.received_at_hmc}), W.delivered, HMC),
    WorkOrderAction.close: Transition("close", frozenset({W.delivered}), W.closed, HMC),
}

SUBMIT_ROLES = frozenset({Role.forskrivare, Role.hmc})  # HMC registers a request a prescriber phones in
READ_ROLES = frozenset({Role.forskrivare, Role.hmc, Role.upphandlare})
QUEUE_ROLES = frozenset({Role.hmc})  # the whole queue; a prescriber's list shows their own requests
CANDIDATE_ROLES = frozenset({Role.hmc, Role.upphandlare})

# Requests waiting for HMC or the cost-responsible unit: these can be overdue.
OPEN_STATUSES = (S.submitted, S.in_review, S.awaiting_cost_approval, S.approved)


def has_any(roles: Iterable[str], allowed: Iterable[Role]) -> bool:
    """True when ``roles`` hold one of ``allowed`` or admin."""
    held = set(roles)
    return Role.admin.value in held or any(role.value in held for role in allowed)


def require_any(roles: Iterable[str], allowed: Iterable[Role]) -> None:
    """Raise Forbidden unless ``roles`` hold one of ``allowed`` or admin."""
    if not has_any(roles, allowed):
        raise Forbidden("forbidden", "Din behörighet räcker inte för detta.")


def check_step(transition: Transition, current, roles: Iterable[str], *, own: bool, label: str) -> None:
    """Raise Forbidden when the roles may not take the step, Conflict when the state does not allow it.

    Roles are checked first: a caller who may not act learns nothing about the state.
    """
    if not transition.permits(roles, own=own):
        raise Forbidden("forbidden", f"Din behörighet räcker inte för att {ACTION_LABELS[transition.action]}.")
    if current not in transition.sources:
        raise Conflict(
            "illegal_transition",
            f"Det går inte att {ACTION_LABELS[transition.action]} när {label} har status "
            f"{STATUS_LABELS[current.value]}.",
            {
                "action": transition.action,
                "status": current.value,
                "allowed_from": sorted(s.value for s in transition.sources),
            },
        )


STATUS_LABELS = {
    "submitted": "inskickad",
    "in_review": "under handläggning",
    "resolved_with_alternative": "löst med alternativ i sortimentet",
    "awaiting_cost_approval": "väntar på kostnadsgodkännande",
    "approved": "godkänd",
    "work_order_created": "arbetsorder skapad",
    "rejected": "avslagen",
    "closed": "avslutad",
    "resolved_in_assortment": "finns i sortimentet",
    "created": "skapad",
    "ordered": "beställd",
    "received_at_hmc": "ankommen till HMC",
    "delivered": "levererad",
}

ACTION_LABELS = {
    "submit": "skicka in",
    "start_review": "påbörja handläggning",
    "propose_alternative": "föreslå alternativ i sortimentet",
    "send_for_cost_approval": "skicka för kostnadsgodkännande",
    "approve": "registrera kostnadsgodkännande",
    "reject": "avslå",
    "close": "avsluta",
    "create_work_order": "skapa arbetsorder",
    "order": "beställa",
    "receive": "registrera ankomst till HMC",
    "deliver": "registrera leverans",
}

# A button says what it does in the imperative ("Beställ", not "Beställa"); the other labels' infinitives
# already have that form. ACTION_LABELS stay infinitives: they complete "Det går inte att …".
BUTTON_LABELS = {action: label[:1].upper() + label[1:] for action, label in ACTION_LABELS.items()} | {
    "order": "Beställ"
}

# The timeline says what was done, in the past tense.
EVENT_LABELS = {
    "submit": "skickade in",
    "start_review": "påbörjade handläggningen",
    "propose_alternative": "föreslog ett alternativ i sortimentet",
    "send_for_cost_approval": "skickade för kostnadsgodkännande",
    "approve": "registrerade kostnadsgodkännandet",
    "reject": "avslog",
    "close": "avslutade",
    "create_work_order": "skapade arbetsorder",
    "order": "beställde",
    "receive": "registrerade ankomst till HMC",
    "deliver": "registrerade leverans",
}

REASON_LABELS = {
    "no_procured_model_fits": "Ingen upphandlad modell passar",
    "measurements_outside_sizes": "Måtten ligger utanför de upphandlade storlekarna",
    "medical_need_material_or_colour": "Medicinskt behov av annat material eller annan färg",
    "no_longer_orderable": "Artikeln kan inte längre beställas",
    "other": "Annat",
}

URGENCY_LABELS = {"normal": "Normal", "urgent": "Brådskande"}
