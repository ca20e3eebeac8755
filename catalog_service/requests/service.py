"""Consultation requests: submit (with the in-assortment answer), each step of the state machine, reading.

Every function takes the session first and the acting person's name and roles (``actor``,
``roles``: role names as strings, as ``Caller.roles`` holds them). They flush and never commit:
the view or command that called them commits once, or rolls back. Each step checks the roles
(Forbidden, 403), then the state (Conflict, 409), then its input (Invalid or PersonalDataFound,
422), stamps time and actor on the request, appends a timeline row and writes an audit entry.
Who may take which step is in ``workflow`` and in the package docstring.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..audit.service import record
from ..errors import Conflict, Invalid, NotFound
from ..models import utcnow
from . import validation as check
from .lookup import Found, in_current_assortment, last_published_in
from .models import (
    COMMENT_MAX,
    DESCRIPTION_MAX,
    MODEL_MAX,
    ConsultationRequest,
    RequestEvent,
    RequestReason,
    RequestStatus,
    Urgency,
    WorkOrderStatus,
)
from .numbering import REQUEST_SERIES, next_number
from .workflow import (
    CREATE_WORK_ORDER,
    REQUEST_TRANSITIONS,
    SUBMIT_ROLES,
    RequestAction,
    Transition,
    check_step,
    require_any,
)

SUBMIT_FIELDS = (
    "kundordernummer",
    "supplier",
    "article_number",
    "model",
    "description",
    "reason",
    "urgency",
    "unit_code",
)


@dataclass(frozen=True)
class Submitted:
    """A stored request; ``found`` says where the article is when it is in the current assortment."""

    request: ConsultationRequest
    found: Found | None


def submit_request(session: Session, data: Mapping, *, actor: str, roles: Iterable[str]) -> Submitted:
    """Register a consultation request, or answer at once when the article is in the current assortment.

    ``data`` holds the fields of ``SUBMIT_FIELDS`` (missing optional ones may be left out). When the
    article number is in the current published version of the supplier (of any supplier when none
    is given), the request is stored as ``resolved_in_assortment`` with where it was found; when it
    was only in an earlier version, the request is ``submitted`` with that version noted.
    Every check runs before the number is taken, so a refused request uses no number.
    Raises Forbidden, Invalid, PersonalDataFound. Adds the request, its first timeline row and an
    audit entry; flushes.
    """
    require_any(roles, SUBMIT_ROLES)
    fields = clean_submission(data)
    found = earlier = None
    if fields["article_number"]:
        found = in_current_assortment(session, fields["article_number"], fields["supplier"])
        if found is None:
            earlier = last_published_in(session, fields["article_number"], fields["supplier"])
    moment = utcnow()
    status = RequestStatus.resolved_in_assortment if found else RequestStatus.submitted
    request = ConsultationRequest(
        number=next_number(session, REQUEST_SERIES, moment),
        **fields,
        status=status,
        found_supplier=found.supplier if found else None,
        found_in_version=found.version if found else None,
        last_seen_supplier=earlier.supplier if earlier else None,
        last_seen_version=earlier.version if earlier else None,
        submitted_at=moment,
        submitted_by=actor,
        status_changed_at=moment,
        status_changed_by=actor,
    )
    session.add(request)
    add_event(request, "submit", None, status, actor=actor, at=moment)
    session.flush()
    record(
        session,
        actor=actor,
        action="requests.submit",
        object_type="consultation_request",
        object_id=request.number,
        status=status.value,
        supplier=request.supplier,
        found_in=[found.supplier, found.version] if found else None,
        last_seen_in=[earlier.supplier, earlier.version] if earlier else None,
    )
    return Submitted(request, found)


def clean_submission(data: Mapping) -> dict:
    """The checked, normalised fields of a new request. Raises Invalid or PersonalDataFound, naming the field."""
    unknown = set(data) - set(SUBMIT_FIELDS)
    if unknown:
        raise Invalid("unknown_field", "Okända fält i begäran.", {"fields": sorted(unknown)})
    fields = {
        "kundordernummer": check.kundordernummer(data.get("kundordernummer")),
        "supplier": check.supplier("supplier", data.get("supplier")),
        "article_number": check.article_number("article_number", data.get("article_number")),
        "model": check.free_text("model", data.get("model"), MODEL_MAX),
        "description": check.free_text("description", data.get("description"), DESCRIPTION_MAX, required=True),
        "reason": check.choice("reason", RequestReason, data.get("reason")),
        "urgency": check.choice("urgency", Urgency, data.get("urgency") or Urgency.normal),
        "unit_code": check.unit_code("unit_code", data.get("unit_code")),
    }
    if not fields["article_number"] and not fields["model"]:
        raise Invalid("missing_article", "Ange artikelnummer eller modell (eller båda).", {"field": "article_number"})
    return fields


def get_request(session: Session, number: str, *, lock: bool = False) -> ConsultationRequest:
    """A request by its number (``KONS-2026-000123``, case-insensitive). Raises NotFound.

    ``lock`` locks the row until commit (PostgreSQL), so two steps on one request take turns.
    """
    query = select(ConsultationRequest).where(ConsultationRequest.number == (number or "").strip().upper())
    request = session.scalar(query.with_for_update() if lock else query)
    if request is None:
        raise NotFound("request_not_found", "Det finns inget ärende med det numret.")
    return request


def start_review(session: Session, number: str, *, actor: str, roles: Iterable[str], comment=None):
    """submitted → in_review: an HMC consultant takes the request. Raises Forbidden, Conflict, Invalid."""
    return _step(session, number, RequestAction.start_review, actor=actor, roles=roles, comment=comment)


def propose_alternative(
    session: Session, number: str, *, actor: str, roles: Iterable[str], comment=None, alternative_article_number=None
):
    """in_review → resolved_with_alternative: HMC found an in-assortment article that fits.

    ``alternative_article_number`` (optional) is kept on the request. Raises Forbidden, Conflict, Invalid.
    """
    return _step(
        session,
        number,
        RequestAction.propose_alternative,
        actor=actor,
        roles=roles,
        comment=comment,
        changes=lambda: {
            "alternative_article_number": check.article_number("alternative_article_number", alternative_article_number)
        },
    )


def send_for_cost_approval(session: Session, number: str, *, actor: str, roles: Iterable[str], comment=None):
    """in_review → awaiting_cost_approval: nothing in the assortment fits. Raises Forbidden, Conflict, Invalid."""
    return _step(session, number, RequestAction.send_for_cost_approval, actor=actor, roles=roles, comment=comment)


def approve(session: Session, number: str, *, actor: str, roles: Iterable[str], comment=None, **order):
    """awaiting_cost_approval → approved → work_order_created: HMC records the cost-responsible unit's approval.

    ``order`` holds ``cost_estimate_sek`` and ``cost_unit_code`` (required), ``made_to_measure``,
    and ``supplier``, ``article_number``, ``specification`` where they differ from (or are missing
    in) the request; a supplier is required. Creates the work order (``request.work_order``).
    Raises Forbidden, Conflict, Invalid, PersonalDataFound.
    """
    from .workorders import clean_order, create_work_order

    request = get_request(session, number, lock=True)
    transition = REQUEST_TRANSITIONS[RequestAction.approve]
    check_step(transition, request.status, roles, own=_own(request, actor), label="ärendet")
    text = check.free_text("comment", comment, COMMENT_MAX)
    fields = clean_order(request, order)
    moment = _move(session, request, transition, actor=actor, comment=text, cost_unit_code=fields["cost_unit_code"])
    work_order = create_work_order(session, request, fields, actor=actor, at=moment)
    _move(session, request, CREATE_WORK_ORDER, actor=actor, at=moment, work_order=work_order)
    return request


def reject(session: Session, number: str, *, actor: str, roles: Iterable[str], comment=None):
    """in_review or awaiting_cost_approval → rejected (by HMC, or for the unit that refused the cost).

    Raises Forbidden, Conflict, Invalid.
    """
    return _step(session, number, RequestAction.reject, actor=actor, roles=roles, comment=comment)


def close_request(session: Session, number: str, *, actor: str, roles: Iterable[str], comment=None):
    """An answered request → closed; by HMC, or by the prescriber who submitted it.

    A request with a work order closes once the work order is delivered (closing the work order
    closes the request too). Raises Forbidden, Conflict (also while the work order is under way), Invalid.
    """
    request = get_request(session, number, lock=True)
    transition = REQUEST_TRANSITIONS[RequestAction.close]
    check_step(transition, request.status, roles, own=_own(request, actor), label="ärendet")
    _require_work_order_done(request)
    text = check.free_text("comment", comment, COMMENT_MAX)
    _move(session, request, transition, actor=actor, comment=text)
    return request


def perform(session: Session, number: str, action, *, actor: str, roles: Iterable[str], **fields):
    """Take the step named ``action`` (a RequestAction or its value) with the fields that step uses.

    Fields other steps use are ignored. Raises what the step raises, and Invalid for an unknown action.
    """
    action = check.choice("action", RequestAction, action)
    step, names = STEPS[action]
    given = {name: fields[name] for name in names if fields.get(name) is not None}
    return step(session, number, actor=actor, roles=roles, comment=fields.get("comment"), **given)


def allowed_actions(request: ConsultationRequest, roles: Iterable[str], actor: str | None) -> list[str]:
    """The steps this person may take on the request now, in the machine's order."""
    roles = set(roles)
    allowed = []
    for action, transition in REQUEST_TRANSITIONS.items():
        if request.status not in transition.sources or not transition.permits(roles, own=_own(request, actor)):
            continue
        if action is RequestAction.close and not _work_order_done(request):
            continue
        allowed.append(action.value)
    return allowed


def add_event(request, action: str, from_status, to_status, *, actor: str, at: datetime, comment=None, work_order=None):
    """Append a timeline row to the request (and its work order, when the step is the work order's)."""
    event = RequestEvent(
        action=action,
        from_status=from_status.value if from_status is not None else None,
        to_status=to_status.value,
        actor=actor,
        at=at,
        comment=comment,
    )
    if work_order is not None:
        event.work_order_id = work_order.id
    request.events.append(event)
    return event


def close_with_work_order(session: Session, request: ConsultationRequest, *, actor: str, at: datetime) -> None:
    """Close the request because its work order was closed (a no-op when it is already closed)."""
    if request.status is RequestStatus.work_order_created:
        _move(session, request, REQUEST_TRANSITIONS[RequestAction.close], actor=actor, at=at, by_work_order=True)


def _step(session: Session, number: str, action: RequestAction, *, actor: str, roles, comment, changes=None):
    """Load and lock, check roles, state and input (``changes()`` checks and returns extra attributes), move."""
    request = get_request(session, number, lock=True)
    transition = REQUEST_TRANSITIONS[action]
    check_step(transition, request.status, roles, own=_own(request, actor), label="ärendet")
    text = check.free_text("comment", comment, COMMENT_MAX)
    for name, value in (changes() if changes else {}).items():
        setattr(request, name, value)
    _move(session, request, transition, actor=actor, comment=text)
    return request


def _move(session, request, transition: Transition, *, actor: str, comment=None, at=None, work_order=None, **details):
    """Change the state, stamp it, append the timeline row and write the audit entry; the moment used."""
    moment = at or utcnow()
    previous = request.status
    request.status = transition.target
    request.status_changed_at, request.status_changed_by = moment, actor
    add_event(
        request,
        transition.action,
        previous,
        transition.target,
        actor=actor,
        at=moment,
        comment=comment,
        work_order=work_order,
    )
    session.flush()
    if work_order is not None:
        details["work_order"] = work_order.number
    record(
        session,
        actor=actor,
        action=f"requests.{transition.action}",
        object_type="consultation_request",
        object_id=request.number,
        **{"from": previous.value, "to": transition.target.value},
        **details,
    )
    return moment


def _own(request: ConsultationRequest, actor: str | None) -> bool:
    return actor is not None and request.submitted_by == actor


def _work_order_done(request: ConsultationRequest) -> bool:
    order = request.work_order
    return order is None or order.status in (WorkOrderStatus.delivered, WorkOrderStatus.closed)


def _require_work_order_done(request: ConsultationRequest) -> None:
    if not _work_order_done(request):
        raise Conflict(
            "work_order_open",
            f"Ärendet kan avslutas när arbetsorder {request.work_order.number} är levererad.",
            {"work_order": request.work_order.number, "status": request.work_order.status.value},
        )


STEPS = {
    RequestAction.start_review: (start_review, ()),
    RequestAction.propose_alternative: (propose_alternative, ("alternative_article_number",)),
    RequestAction.send_for_cost_approval: (send_for_cost_approval, ()),
    RequestAction.approve: (
        approve,
        ("cost_estimate_sek", "cost_unit_code", "made_to_measure", "supplier", "article_number", "specification"),
    ),
    RequestAction.reject: (reject, ()),
    RequestAction.close: (close_request, ()),
}
