"""Reading requests and work orders: the queue with its filters, the lookup, and the views shown to people.

A request *waits* while it is open (submitted, in review, awaiting or just given cost approval):
its age is the Swedish working days from the day it was submitted to today, and it is *overdue*
when that age passes REQUEST_OVERDUE_WORKING_DAYS (default 5).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from ..assortment.versions import get_version
from ..auth.models import Role
from ..config import lead_times
from ..orders.delivery import swedish_today
from ..orders.leadtime import working_days_between
from ..privacy.guard import check_structured
from ..suppliers import profiles
from . import validation as check
from .lookup import version_item
from .models import ConsultationRequest, RequestStatus, WorkOrder, WorkOrderStatus
from .numbering import SWEDEN, swedish_date
from .service import allowed_actions, get_request
from .workflow import OPEN_STATUSES, QUEUE_ROLES, READ_ROLES, has_any, require_any
from .workorders import allowed_work_order_actions, expected_dates

DEFAULT_OVERDUE_WORKING_DAYS = 5
_REQUEST_NUMBER = re.compile(r"KONS-\d{4}-\d{6}")


def overdue_days() -> int:
    """Working days a request may wait before it is overdue (REQUEST_OVERDUE_WORKING_DAYS)."""
    return int(check.setting("REQUEST_OVERDUE_WORKING_DAYS", DEFAULT_OVERDUE_WORKING_DAYS))


def waiting(request: ConsultationRequest, today: date) -> tuple[int | None, bool]:
    """(working days waited, overdue) for an open request; (None, False) once it is answered."""
    if request.status not in OPEN_STATUSES:
        return None, False
    days = max(working_days_between(swedish_date(request.submitted_at), today), 0)
    return days, days > overdue_days()


def list_requests(
    session: Session,
    *,
    actor: str,
    roles: Iterable[str],
    statuses: Iterable[RequestStatus] = (),
    supplier: str | None = None,
    urgency=None,
    min_age: int | None = None,
    overdue: bool = False,
    kundordernummer: str | None = None,
    today: date | None = None,
    page: int = 1,
    per_page: int = 50,
) -> dict:
    """Requests, oldest first, with filters; HMC sees all, a prescriber their own or one customer order's.

    ``min_age``: waited at least this many working days; ``overdue``: open and waited longer than
    the limit. Raises Forbidden for other roles, Invalid for a malformed customer order number or an
    unknown supplier.
    Changes nothing.
    """
    today = today or swedish_today()
    query = select(ConsultationRequest)
    if kundordernummer:
        kundordernummer = check.kundordernummer(kundordernummer)
    supplier = check.supplier("supplier", supplier)
    if not has_any(roles, QUEUE_ROLES):
        require_any(roles, {Role.forskrivare})
        if not kundordernummer:
            query = query.where(ConsultationRequest.submitted_by == actor)
    statuses = set(statuses)
    if overdue:
        statuses = (statuses or set(OPEN_STATUSES)) & set(OPEN_STATUSES)
        min_age = max(min_age or 0, overdue_days() + 1)
    if statuses:
        query = query.where(ConsultationRequest.status.in_(sorted(statuses)))
    if supplier:
        query = query.where(ConsultationRequest.supplier == supplier)
    if urgency:
        query = query.where(ConsultationRequest.urgency == urgency)
    if kundordernummer:
        query = query.where(ConsultationRequest.kundordernummer == kundordernummer)
    if min_age:
        query = query.where(ConsultationRequest.submitted_at < _start_of_day_after(_submitted_by_day(today, min_age)))
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    ordered = query.order_by(ConsultationRequest.submitted_at, ConsultationRequest.id)
    # the views read every request's timeline and work order: load them in two queries, not one per request
    loaded = ordered.options(selectinload(ConsultationRequest.events), selectinload(ConsultationRequest.work_order))
    found = session.scalars(loaded.offset((page - 1) * per_page).limit(per_page)).all()
    return {"total": total, "page": page, "per_page": per_page, "requests": list(found)}


def _submitted_by_day(today: date, min_age: int) -> date:
    """The latest submission day from which ``min_age`` working days have passed by ``today``."""
    day = today
    while working_days_between(day, today) < min_age:
        day -= timedelta(days=1)
    return day


def _start_of_day_after(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time(), tzinfo=SWEDEN).astimezone(UTC)


def get_request_for(session: Session, number: str, *, roles: Iterable[str]) -> ConsultationRequest:
    """A request for someone who may read requests. Raises Forbidden, NotFound."""
    require_any(roles, READ_ROLES)
    return get_request(session, number)


def lookup(session: Session, text: str, *, roles: Iterable[str]) -> list[ConsultationRequest]:
    """Requests by request number (``KONS-…``) or by customer order number, newest first; [] for other text.

    The text is never echoed or stored. Raises Forbidden for roles that may not read requests.
    """
    require_any(roles, READ_ROLES)
    text = (text or "").strip()
    if text.upper().startswith("KONS-"):
        return list(session.scalars(select(ConsultationRequest).where(ConsultationRequest.number == text.upper())))
    if check_structured("kundordernummer", text, **_pattern()):
        return []
    return list(
        session.scalars(
            select(ConsultationRequest)
            .where(ConsultationRequest.kundordernummer == text)
            .order_by(ConsultationRequest.submitted_at.desc(), ConsultationRequest.id.desc())
        )
    )


def lookup_number(text: str) -> str | None:
    """The typed text as a request number (``KONS-2026-000123``, upper case) or a valid customer order number;
    None for anything else. Only what this returns may be put in a URL.
    """
    text = unicodedata.normalize("NFKC", text or "").strip()
    if _REQUEST_NUMBER.fullmatch(text.upper()):
        return text.upper()
    return None if check_structured("kundordernummer", text, **_pattern()) else text


def _pattern() -> dict:
    pattern = check.setting("KUNDORDERNUMMER_PATTERN", None)
    return {"pattern": pattern} if pattern else {}


def request_view(
    session: Session,
    request: ConsultationRequest,
    *,
    actor: str | None,
    roles: Iterable[str],
    today: date | None = None,
) -> dict:
    """A request as the API and the pages show it: fields, age, note, timeline, and the caller's allowed steps."""
    days, late = waiting(request, today or swedish_today())
    return {
        "number": request.number,
        "status": request.status,
        "kundordernummer": request.kundordernummer,
        "supplier": request.supplier,
        "article_number": request.article_number,
        "model": request.model,
        "description": request.description,
        "reason": request.reason,
        "urgency": request.urgency,
        "unit_code": request.unit_code,
        "note": note(request),
        "last_seen": _seen(request.last_seen_supplier, request.last_seen_version),
        "found": _found(session, request),
        "alternative_article_number": request.alternative_article_number,
        "submitted_at": request.submitted_at,
        "submitted_by": request.submitted_by,
        "status_changed_at": request.status_changed_at,
        "status_changed_by": request.status_changed_by,
        "waiting_working_days": days,
        "overdue": late,
        "work_order": request.work_order.number if request.work_order else None,
        "history": [_event(event) for event in request.events],
        "actions": allowed_actions(request, roles, actor),
    }


def note(request: ConsultationRequest) -> str | None:
    """Where the article was last published, when it is no longer in the assortment."""
    if request.last_seen_version is None:
        return None
    name = _supplier_name(request.last_seen_supplier)
    return (
        f"Artikeln fanns senast i {name}s sortiment version {request.last_seen_version} "
        "men finns inte i det nuvarande sortimentet (kan inte längre beställas)."
    )


def _seen(supplier: str | None, version: int | None) -> dict | None:
    return {"supplier": supplier, "version": version} if version is not None else None


def _found(session: Session, request: ConsultationRequest) -> dict | None:
    """For an in-assortment answer: the supplier, its e-shop, the version and the feed item."""
    if request.found_in_version is None:
        return None
    version = get_version(session, request.found_supplier, request.found_in_version)
    return {
        "supplier": request.found_supplier,
        "eshop": _supplier_name(request.found_supplier),
        "version": request.found_in_version,
        "item": version_item(session, version.id, request.article_number),
    }


def _event(event) -> dict:
    return {
        "action": event.action,
        "from": event.from_status,
        "to": event.to_status,
        "actor": event.actor,
        "at": event.at,
        "comment": event.comment,
        "work_order": event.work_order_id is not None,
    }


def _supplier_name(code: str | None) -> str | None:
    profile = profiles().get(code) if code else None
    return profile.name if profile else code


OPEN_WORK_ORDERS = (WorkOrderStatus.created, WorkOrderStatus.ordered, WorkOrderStatus.received_at_hmc)


def list_work_orders(session: Session, *, roles: Iterable[str], open_only: bool = True, today=None) -> list[dict]:
    """Work orders as shown (work_order_view): overdue first, then oldest first; open ones only by default.

    Changes nothing.
    """
    query = select(WorkOrder).options(selectinload(WorkOrder.request).selectinload(ConsultationRequest.events))
    if open_only:
        query = query.where(WorkOrder.status.in_(OPEN_WORK_ORDERS))
    today = today or swedish_today()
    views = [
        work_order_view(order, roles=roles, today=today) for order in session.scalars(query.order_by(WorkOrder.id))
    ]
    return sorted(views, key=lambda view: not view["overdue"])


def work_order_view(order: WorkOrder, *, roles: Iterable[str], today: date | None = None) -> dict:
    """A work order as shown: fields, expected dates (once ordered), lateness, its timeline, allowed steps."""
    onward = lead_times().onward
    return {
        "number": order.number,
        "status": order.status.value,
        "request": order.request.number,
        "kundordernummer": order.request.kundordernummer,
        "supplier": order.supplier,
        "article_number": order.article_number,
        "model": order.model,
        "specification": order.specification,
        "made_to_measure": order.made_to_measure,
        "cost_estimate_sek": order.cost_estimate_sek,
        "cost_unit_code": order.cost_unit_code,
        "lead_time_working_days": order.lead_time_working_days,
        "created_at": order.created_at,
        "created_by": order.created_by,
        "ordered_at": order.ordered_at,
        "received_at": order.received_at,
        "delivered_at": order.delivered_at,
        "closed_at": order.closed_at,
        **expected_dates(order, today=today or swedish_today(), onward_days=onward),
        "history": [_event(event) for event in order.request.events if event.work_order_id == order.id],
        "actions": allowed_work_order_actions(order, roles),
    }
