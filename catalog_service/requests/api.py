"""HTTP: consultation requests, their steps, work orders and the assortment candidates."""

from __future__ import annotations

from flask import jsonify
from flask.views import MethodView
from flask_smorest import Blueprint

from ..auth.http import current_caller, require_roles
from ..extensions import db
from .candidates import assortment_candidates
from .queries import get_request_for, list_requests, overdue_days, request_view, work_order_view
from .schemas import (
    ActionSchema,
    CandidateQuerySchema,
    CandidatesSchema,
    InAssortmentSchema,
    RequestInSchema,
    RequestPageSchema,
    RequestQuerySchema,
    RequestSchema,
    WorkOrderActionSchema,
    WorkOrderSchema,
)
from .service import perform, submit_request
from .workorders import get_work_order, perform_work_order

blp = Blueprint(
    "requests", __name__, url_prefix="/api/v1", description="Konsultationer utanför sortimentet och arbetsordrar"
)
IN_ASSORTMENT_MESSAGE = "Artikeln finns i sortimentet. Beställ den i {eshop}s e-butik med kundordernumret."


def _caller():
    caller = current_caller()
    return caller.actor, caller.roles


@blp.route("/requests")
class Requests(MethodView):
    @require_roles("requests.submit")
    @blp.arguments(RequestInSchema)
    @blp.response(201, RequestSchema)
    @blp.alt_response(200, schema=InAssortmentSchema, description="the article is in the current assortment")
    def post(self, body):
        """Ask for an article or model outside the assortment (a consultation), by customer order number only.

        When the article is in the current published assortment the answer is 200 with the feed item:
        order it in that supplier's e-shop; the request is recorded as resolved_in_assortment.
        """
        actor, roles = _caller()
        submitted = submit_request(db.session, body, actor=actor, roles=roles)
        view = request_view(db.session, submitted.request, actor=actor, roles=roles)
        if submitted.found is None:
            return view
        found = view["found"]
        answer = {
            "number": view["number"],
            "status": view["status"],
            **found,
            "message": IN_ASSORTMENT_MESSAGE.format(eshop=found["eshop"]),
        }
        return jsonify(InAssortmentSchema().dump(answer))

    @require_roles("requests.queue")
    @blp.arguments(RequestQuerySchema, location="query")
    @blp.response(200, RequestPageSchema)
    def get(self, query):
        """The queue, oldest first: HMC sees every request; a prescriber their own, or one customer order's."""
        actor, roles = _caller()
        found = list_requests(
            db.session,
            actor=actor,
            roles=roles,
            statuses=query.get("status") or (),
            supplier=(query.get("supplier") or "").strip().lower() or None,
            urgency=query.get("urgency"),
            min_age=query.get("age"),
            overdue=query.get("overdue", False),
            kundordernummer=query.get("kundordernummer"),
            page=query["page"],
            per_page=query["per_page"],
        )
        found["requests"] = [request_view(db.session, r, actor=actor, roles=roles) for r in found["requests"]]
        return {**found, "overdue_working_days": overdue_days()}


@blp.route("/requests/candidates")
class Candidates(MethodView):
    @require_roles("requests.candidates")
    @blp.arguments(CandidateQuerySchema, location="query")
    @blp.response(200, CandidatesSchema)
    def get(self, query):
        """Articles and models asked for out of assortment repeatedly (default 3 times in 6 months)."""
        return assortment_candidates(db.session, roles=current_caller().roles, **query)


@blp.route("/requests/<number>")
class RequestDetail(MethodView):
    @require_roles("requests.read")
    @blp.response(200, RequestSchema)
    def get(self, number):
        """One request with its timeline and the steps the caller may take."""
        actor, roles = _caller()
        return request_view(db.session, get_request_for(db.session, number, roles=roles), actor=actor, roles=roles)


@blp.route("/requests/<number>/actions")
class RequestActions(MethodView):
    @require_roles("requests.act")
    @blp.arguments(ActionSchema)
    @blp.response(200, RequestSchema)
    def post(self, body, number):
        """Take one step: start_review, propose_alternative, send_for_cost_approval, approve, reject, close.

        approve needs cost_estimate_sek and cost_unit_code (HMC records the cost-responsible unit's
        approval) and answers with the new work order's number in work_order.
        """
        actor, roles = _caller()
        action = body.pop("action")
        request = perform(db.session, number, action, actor=actor, roles=roles, **body)
        return request_view(db.session, request, actor=actor, roles=roles)


@blp.route("/work-orders/<number>")
class WorkOrderDetail(MethodView):
    @require_roles("requests.read")
    @blp.response(200, WorkOrderSchema)
    def get(self, number):
        """One work order with expected arrival dates, its timeline and the steps the caller may take."""
        return work_order_view(get_work_order(db.session, number), roles=current_caller().roles)


@blp.route("/work-orders/<number>/actions")
class WorkOrderActions(MethodView):
    @require_roles("work_orders.act")
    @blp.arguments(WorkOrderActionSchema)
    @blp.response(200, WorkOrderSchema)
    def post(self, body, number):
        """Take one step: order, receive (arrived at HMC), deliver, close (closes the request too)."""
        actor, roles = _caller()
        order = perform_work_order(
            db.session, number, body["action"], actor=actor, roles=roles, comment=body.get("comment")
        )
        return work_order_view(order, roles=roles)
