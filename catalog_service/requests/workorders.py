"""Work orders: made when the cost is approved, then ordered, received at HMC, delivered, closed.

Every step is HMC's (admin may too); each checks the role (Forbidden), the state (Conflict) and
the comment (Invalid, PersonalDataFound), stamps time and actor, appends a row to the request's
timeline (marked with the work order) and writes an audit entry. Expected arrival at HMC is the
contract lead time in Swedish working days after the order date (``orders.leadtime``): 5 for
standard garments, 10 for made-to-measure (LEAD_TIME_STANDARD_DAYS, LEAD_TIME_MADE_TO_MEASURE_DAYS),
fixed on the work order when it is made; expected delivery home adds ONWARD_DELIVERY_DAYS.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..audit.service import record
from ..config import lead_times
from ..errors import Invalid, NotFound
from ..models import utcnow
from ..orders.leadtime import add_working_days
from . import validation as check
from .models import COMMENT_MAX, SPECIFICATION_MAX, ConsultationRequest, WorkOrder, WorkOrderStatus
from .numbering import WORK_ORDER_SERIES, next_number, swedish_date
from .service import add_event, close_with_work_order
from .workflow import WORK_ORDER_TRANSITIONS, WorkOrderAction, check_step

STAMPS = {
    WorkOrderStatus.ordered: "ordered_at",
    WorkOrderStatus.received_at_hmc: "received_at",
    WorkOrderStatus.delivered: "delivered_at",
    WorkOrderStatus.closed: "closed_at",
}


def clean_order(request: ConsultationRequest, order: Mapping) -> dict:
    """The checked fields of a new work order: the approval's values, else the request's.

    Raises Invalid (naming the field) or PersonalDataFound.
    """
    supplier = check.supplier("supplier", order.get("supplier")) or request.supplier
    if supplier is None:
        raise Invalid(
            "missing_field", "Ange leverantör: ärendet nämner ingen och arbetsordern behöver en.", {"field": "supplier"}
        )
    made_to_measure = order.get("made_to_measure", False)
    if not isinstance(made_to_measure, bool):
        raise Invalid(
            "not_boolean", 'Fältet "made_to_measure" ska vara sant eller falskt.', {"field": "made_to_measure"}
        )
    specification = check.free_text("specification", order.get("specification"), SPECIFICATION_MAX)
    return {
        "cost_estimate_sek": check.cost_sek("cost_estimate_sek", order.get("cost_estimate_sek")),
        "cost_unit_code": check.unit_code("cost_unit_code", order.get("cost_unit_code")),
        "supplier": supplier,
        "article_number": check.article_number("article_number", order.get("article_number")) or request.article_number,
        "model": request.model,
        "specification": specification or request.description[:SPECIFICATION_MAX],
        "made_to_measure": made_to_measure,
    }


def create_work_order(session: Session, request: ConsultationRequest, fields: dict, *, actor: str, at: datetime):
    """Make the request's work order from checked ``fields`` (see clean_order). Flushes; audits."""
    order = WorkOrder(
        number=next_number(session, WORK_ORDER_SERIES, at),
        request=request,
        **fields,
        lead_time_working_days=lead_times().for_article(fields["made_to_measure"]),
        status=WorkOrderStatus.created,
        created_at=at,
        created_by=actor,
        status_changed_at=at,
        status_changed_by=actor,
    )
    session.add(order)
    session.flush()
    record(
        session,
        actor=actor,
        action="work_orders.create",
        object_type="work_order",
        object_id=order.number,
        request=request.number,
        supplier=order.supplier,
        made_to_measure=order.made_to_measure,
        cost_estimate_sek=str(order.cost_estimate_sek),
        cost_unit_code=order.cost_unit_code,
    )
    return order


def get_work_order(session: Session, number: str, *, lock: bool = False) -> WorkOrder:
    """A work order by its number (``AO-2026-000123``, case-insensitive). Raises NotFound."""
    query = select(WorkOrder).where(WorkOrder.number == (number or "").strip().upper())
    order = session.scalar(query.with_for_update() if lock else query)
    if order is None:
        raise NotFound("work_order_not_found", "Det finns ingen arbetsorder med det numret.")
    return order


def perform_work_order(session: Session, number: str, action, *, actor: str, roles: Iterable[str], comment=None):
    """Take one step of the work order (``order``, ``receive``, ``deliver``, ``close``).

    Closing the work order also closes its request. Raises Invalid (unknown action, comment),
    Forbidden, Conflict, PersonalDataFound, NotFound. Flushes; audits.
    """
    action = check.choice("action", WorkOrderAction, action)
    order = get_work_order(session, number, lock=True)
    transition = WORK_ORDER_TRANSITIONS[action]
    check_step(transition, order.status, roles, own=False, label="arbetsordern")
    text = check.free_text("comment", comment, COMMENT_MAX)
    moment, previous = utcnow(), order.status
    order.status = transition.target
    setattr(order, STAMPS[transition.target], moment)
    order.status_changed_at, order.status_changed_by = moment, actor
    add_event(
        order.request, action.value, previous, order.status, actor=actor, at=moment, comment=text, work_order=order
    )
    session.flush()
    record(
        session,
        actor=actor,
        action=f"work_orders.{action.value}",
        object_type="work_order",
        object_id=order.number,
        **{"from": previous.value, "to": order.status.value},
    )
    if order.status is WorkOrderStatus.closed:
        close_with_work_order(session, order.request, actor=actor, at=moment)
    return order


def allowed_work_order_actions(order: WorkOrder, roles: Iterable[str]) -> list[str]:
    """The steps this person may take on the work order now."""
    roles = set(roles)
    return [
        action.value
        for action, transition in WORK_ORDER_TRANSITIONS.items()
        if order.status in transition.sources and transition.permits(roles)
    ]


def expected_dates(order: WorkOrder, *, today: date, onward_days: int) -> dict:
    """Expected arrival at HMC and at home once ordered (None before), and whether arrival at HMC is late."""
    if order.ordered_at is None:
        return {"expected_at_hmc": None, "expected_at_home": None, "overdue": False}
    at_hmc = add_working_days(swedish_date(order.ordered_at), order.lead_time_working_days)
    arrived = order.received_at is not None or order.status in (WorkOrderStatus.delivered, WorkOrderStatus.closed)
    return {
        "expected_at_hmc": at_hmc,
        "expected_at_home": add_working_days(at_hmc, onward_days),
        "overdue": not arrived and at_hmc < today,
    }
