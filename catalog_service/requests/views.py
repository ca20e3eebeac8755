"""Pages: the prescriber's form and status lookup, HMC's queue, request and work-order details, candidates.

Thin views: each parses the form, calls one operation of the area and renders a template. A
refused input re-renders the page with the reason (never the value: the refused field is emptied).
"""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for

from ..errors import DomainError, status_of
from ..extensions import db
from ..suppliers import profiles
from ..transactions import discard
from ..web.access import current_user, page_roles
from ..web.queries import load_query
from .candidates import DEFAULT_MIN_COUNT, DEFAULT_MONTHS, assortment_candidates
from .models import COMMENT_MAX, DESCRIPTION_MAX, MODEL_MAX, SPECIFICATION_MAX, RequestStatus
from .queries import (
    get_request_for,
    list_requests,
    list_work_orders,
    lookup,
    lookup_number,
    overdue_days,
    request_view,
    work_order_view,
)
from .schemas import RequestQuerySchema
from .service import SUBMIT_FIELDS, perform, submit_request
from .workflow import (
    ACTION_LABELS,
    BUTTON_LABELS,
    EVENT_LABELS,
    OPEN_STATUSES,
    REASON_LABELS,
    STATUS_LABELS,
    URGENCY_LABELS,
)
from .workorders import get_work_order, perform_work_order

bp = Blueprint("request_pages", __name__, template_folder="templates")
PER_PAGE = 50
QUEUE_QUERY = RequestQuerySchema(exclude=("kundordernummer", "per_page"))
NOT_A_LOOKUP_NUMBER = (
    "Sök på ett ärendenummer (som KONS-2026-000123) eller ett kundordernummer (som KO-2600001). "
    "Skriv aldrig namn eller andra personuppgifter."
)
# The queue's default: the open requests and those whose work order is under way (HMC still has work on them).
QUEUE_DEFAULT = (*OPEN_STATUSES, RequestStatus.work_order_created)
APPROVE_FIELDS = ("cost_estimate_sek", "cost_unit_code", "supplier", "article_number", "specification")


@bp.context_processor
def _labels():
    return {
        "status_labels": STATUS_LABELS,
        "action_labels": ACTION_LABELS,
        "button_labels": BUTTON_LABELS,
        "event_labels": EVENT_LABELS,
        "reason_labels": REASON_LABELS,
        "urgency_labels": URGENCY_LABELS,
        "supplier_names": {code: profile.name for code, profile in profiles().items()},
        "limits": {
            "description": DESCRIPTION_MAX,
            "model": MODEL_MAX,
            "comment": COMMENT_MAX,
            "specification": SPECIFICATION_MAX,
        },
    }


def _me():
    """The logged-in person (pages know people only by their session) and their roles."""
    user = current_user()
    return user.name, frozenset(user.roles)


FIELD_LABELS = {
    "kundordernummer": "Kundordernummer",
    "supplier": "Leverantör",
    "article_number": "Artikelnummer",
    "model": "Modell",
    "description": "Beskrivning",
    "reason": "Skäl",
    "urgency": "Brådska",
    "unit_code": "Enhetens kod",
    "comment": "Kommentar",
    "alternative_article_number": "Alternativets artikelnummer",
    "cost_estimate_sek": "Kostnad",
    "cost_unit_code": "Kostnadsansvarig enhet",
    "specification": "Specifikation",
}


def _refusal(error: DomainError) -> tuple[str, str | None, int]:
    """(message, refused field, status) of a refused operation, led by the field's Swedish label; never the value."""
    field = error.details.get("field") if isinstance(error.details, dict) else None
    message = error.message
    if field in FIELD_LABELS:  # the API's messages name the field's code; people read its Swedish label
        quoted = f'"{field}"'
        label = FIELD_LABELS[field]
        message = message.replace(quoted, f"”{label}”") if quoted in message else f"{label}: {message}"
    return message, field, status_of(error)


def _message(error: DomainError):
    return render_template("requests/message.html", message=error.message), status_of(error)


@bp.get("/requests/new")
@page_roles("requests.submit")
def new_request():
    """The prescriber's form: customer order number, what is asked for, why, how urgent, the unit."""
    return render_template("requests/new.html", form={}, error=None)


@bp.post("/requests/new")
@page_roles("requests.submit")
def submit_form():
    """Submit the form: the in-assortment answer at once, or the new request's page."""
    actor, roles = _me()
    data = {name: request.form.get(name, "") for name in SUBMIT_FIELDS}
    try:
        submitted = submit_request(db.session, data, actor=actor, roles=roles)
    except DomainError as error:
        discard()
        message, field, status = _refusal(error)
        data.pop(field, None)  # the refused value is not shown again
        return render_template("requests/new.html", form=data, error=message, error_field=field), status
    if submitted.found is None:
        return redirect(url_for("request_pages.detail", number=submitted.request.number), 303)
    view = request_view(db.session, submitted.request, actor=actor, roles=roles)
    return render_template("requests/answer.html", view=view)


@bp.get("/requests/lookup")
@page_roles("requests.read")
def lookup_page():
    """Status by request number or customer order number."""
    _actor, roles = _me()
    text = request.args.get("q", "").strip()
    try:
        found = lookup(db.session, text, roles=roles) if text else None
    except DomainError as error:
        return _message(error)
    return render_template("requests/lookup.html", found=found, searched=bool(text), error=None)


@bp.post("/requests/lookup")
@page_roles("requests.read")
def lookup_search():
    """The lookup form is POSTed: only a request number or a valid customer order number is redirected to, so
    anything else typed (a name, a personal identity number) never reaches a URL or the access log.
    """
    number = lookup_number(request.form.get("q", ""))
    if number is None:  # re-rendered, never redirected; the typed text is not echoed
        return render_template("requests/lookup.html", found=None, searched=False, error=NOT_A_LOOKUP_NUMBER), 422
    return redirect(url_for("request_pages.lookup_page", q=number), code=303)


@bp.get("/requests")
@page_roles("requests.queue")
def queue():
    """HMC's queue (a prescriber's own requests): filters status, supplier, urgency, age, overdue."""
    actor, roles = _me()
    query, errors = _queue_query(request.args)
    statuses, supplier, urgency = query["statuses"], query.get("supplier", ""), query.get("urgency")
    age, overdue, page = query.get("age"), query.get("overdue", False), query["page"]
    try:
        found = list_requests(
            db.session,
            actor=actor,
            roles=roles,
            statuses=statuses,
            supplier=supplier or None,
            urgency=urgency,
            min_age=age or None,
            overdue=overdue,
            page=page,
            per_page=PER_PAGE,
        )
    except DomainError as error:
        return _message(error)
    views = [request_view(db.session, r, actor=actor, roles=roles) for r in found["requests"]]
    filters = {
        "status": [s.value for s in statuses],
        "supplier": supplier,
        "urgency": urgency.value if urgency else "",
        "age": age or "",
        "overdue": overdue,
    }
    return render_template(
        "requests/queue.html",
        found=found,
        views=views,
        filters=filters,
        errors=errors,
        overdue_days=overdue_days(),
        statuses=list(RequestStatus),
    ), (422 if errors else 200)


def _queue_query(args) -> tuple[dict, list[str]]:
    """The queue's filters, read with the API's query schema; refused values are dropped (never echoed).

    No status chosen means the open ones (the queue's work); "all" means every status.
    """
    show_all = "all" in args.getlist("status")
    args = args.copy()
    args.setlist("status", [value for value in args.getlist("status") if value != "all"])
    query, _refused = load_query(QUEUE_QUERY, args)  # a refused status, urgency or age filters nothing
    query["statuses"] = [] if show_all else (query.pop("status", None) or list(QUEUE_DEFAULT))
    errors = []
    supplier = (query.get("supplier") or "").lower()
    if supplier and supplier not in profiles():
        errors.append("Okänd leverantör: filtret används inte.")
        supplier = ""
    query["supplier"] = supplier
    return query, errors


@bp.get("/requests/candidates")
@page_roles("requests.candidates")
def candidates_page():
    """Articles and models asked for out of assortment repeatedly."""
    _actor, roles = _me()
    min_count = min(max(request.args.get("min_count", default=DEFAULT_MIN_COUNT, type=int) or 1, 1), 1000)
    months = min(max(request.args.get("months", default=DEFAULT_MONTHS, type=int) or 1, 1), 120)
    try:
        report = assortment_candidates(db.session, roles=roles, min_count=min_count, months=months)
    except DomainError as error:
        return _message(error)
    return render_template("requests/candidates.html", report=report)


@bp.get("/requests/<number>")
@page_roles("requests.read")
def detail(number: str):
    """A request: its fields, the timeline, and the allowed steps as buttons."""
    return _detail_page(number)


def _detail_page(number: str, *, error: str | None = None, status: int = 200, kept: dict | None = None):
    actor, roles = _me()
    try:
        found = get_request_for(db.session, number, roles=roles)
    except DomainError as refused:
        return _message(refused)
    view = request_view(db.session, found, actor=actor, roles=roles)
    return render_template("requests/detail.html", view=view, error=error, kept=kept or {}), status


@bp.post("/requests/<number>/actions")
@page_roles("requests.act")
def request_action(number: str):
    """Take the step of the pressed button; back to the request's page."""
    actor, roles = _me()
    form = request.form
    fields = {name: form.get(name) or None for name in ("comment", "alternative_article_number", *APPROVE_FIELDS)}
    fields["made_to_measure"] = form.get("made_to_measure") == "on"
    try:
        perform(db.session, number, form.get("action", ""), actor=actor, roles=roles, **fields)
    except DomainError as error:
        discard()
        message, field, status = _refusal(error)
        if status_of(error) == 404:
            return _message(error)
        # the refused form comes back filled in, all but the field that was refused
        kept = {name: value for name, value in form.items() if name not in ("csrf_token", field)}
        return _detail_page(number, error=message, status=status, kept=kept)
    return redirect(url_for("request_pages.detail", number=number.strip().upper()), 303)


@bp.get("/work-orders")
@page_roles("work_orders.list")
def work_orders():
    """The work orders: open ones by default (overdue first), or all with ?alla=1."""
    _actor, roles = _me()
    show_all = request.args.get("alla") == "1"
    views = list_work_orders(db.session, roles=roles, open_only=not show_all)
    return render_template("requests/work_orders.html", views=views, show_all=show_all)


@bp.get("/work-orders/<number>")
@page_roles("requests.read")
def work_order_page(number: str, *, error: str | None = None, status: int = 200):
    """A work order: what, from whom, cost, expected dates, timeline, and its steps as buttons."""
    _actor, roles = _me()
    try:
        order = get_work_order(db.session, number)
    except DomainError as refused:
        return _message(refused)
    return render_template("requests/work_order.html", view=work_order_view(order, roles=roles), error=error), status


@bp.post("/work-orders/<number>/actions")
@page_roles("work_orders.act")
def work_order_action(number: str):
    """Take the work order's step of the pressed button; back to its page."""
    actor, roles = _me()
    try:
        perform_work_order(
            db.session,
            number,
            request.form.get("action", ""),
            actor=actor,
            roles=roles,
            comment=request.form.get("comment") or None,
        )
    except DomainError as error:
        discard()
        message, _field, status = _refusal(error)
        if status_of(error) == 404:
            return _message(error)
        return work_order_page(number, error=message, status=status)
    return redirect(url_for("request_pages.work_order_page", number=number.strip().upper()), 303)
